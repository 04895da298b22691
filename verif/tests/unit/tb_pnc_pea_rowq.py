"""Unit bench for pnc_pea with per-row jobs against the model.

Each job fixes b, SBR and the skip mode; each of its tiles has one z and r per row (per-row
jobs of :class:`panacea.memimage.Job`, HO slices encoded with each row's r by ``act_image``),
given to the PEA lane by lane with every step (step_row_r_i, step_row_z_i). z and r take their
extremes (0 and 255, 0 and r_max) on some rows; some jobs repeat one z, r on every row (a
per-tensor job). Tiles are checked
bit-exact against aqs_gemm with per-row z and r, SWO and DWO fires against the model, with the
gaps and backpressure of tb_pnc_pea (whose run_job drives the bench).
"""
from __future__ import annotations

import cocotb
import numpy as np
from panacea.memimage import Job, job_stats
from panacea.slicing import r_max

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile
from verif.tests.unit.tb_pnc_pea import MODES, reset_idle, run_job


def row_tile(rng, k: int, m: int, n: int, b: int, uniform: bool):
    """(x, w, z, r) of one tile: rows centred on their own zero point, r = z >> b (the host's
    rule), so most HO slices equal the row's r; extremes on some rows."""
    z = rng.integers(0, 256, m)
    if uniform:
        z[:] = z[0]
    else:
        z[rng.random(m) < 0.25] = rng.choice([0, 255])
    r = z >> b
    if not uniform:
        r[rng.random(m) < 0.2] = rng.choice([0, r_max(b)])
    spread = int(rng.choice([0, 4, 40]))
    x = np.clip(z[:, None] + rng.integers(-spread, spread + 1, (m, k)), 0, 255).astype(np.uint8)
    w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    small = rng.random(k) < 0.5
    w[:, small] = rng.integers(-16, 16, (n, int(small.sum())))
    return x, w, z.astype(np.int64), r.astype(np.int64)


@cocotb.test()
async def pea_row_q_jobs(dut):
    rng = make_rng("tb_pnc_pea_rowq")
    await reset_idle(dut)

    jobs = [dict(b=b, mode=mode, sbr=sbr) for b in (3, 4, 5) for mode in MODES
            for sbr in (True, False)]
    rng.shuffle(jobs)
    for n, cfg in enumerate(jobs):
        b = cfg["b"]
        k = int(rng.choice([1, 2, int(rng.integers(3, 41))]))
        uniform = n % 6 == 0
        tiles = []
        for _ in range(int(rng.integers(1, 4))):
            m = int(rng.choice([8, int(rng.integers(1, 9))]))
            nn = int(rng.choice([8, int(rng.integers(1, 9))]))
            x, w, z, r = row_tile(rng, k, m, nn, b, uniform)
            tiles.append(Job(x=x, w=w, z=z, r=r, b=b, sbr=cfg["sbr"], mode=cfg["mode"]))
        cfg["z"] = 0
        p_idle, p_bp = gap_profile(rng, n)
        cycles, swo, dwo, full = await run_job(dut, rng, cfg, tiles, p_idle, p_bp)
        dwo_exp = sum(int(job_stats(t).dwo.sum()) for t in tiles)
        assert swo == len(tiles) * k, f"job {n}: SWO fires {swo} != tiles*K"
        assert dwo == dwo_exp, f"job {n} {cfg}: DWO fires {dwo} != model {dwo_exp}"
        dut._log.info(f"job {n}: {cfg} K={k} tiles={len(tiles)} uniform={uniform} "
                      f"gaps={p_idle:.2f}/{p_bp:.2f}: {cycles} cycles, DWO {dwo} ok")
