"""Unit bench for pnc_pea against the model: panacea.aqs.aqs_gemm (tile values) and
panacea.memimage (operand images, DWO product counts).

Each job fixes the configuration (b in 3..5, SBR on/off, DENSE / ZERO_SKIP / AQS, z, r incl.
its limits) and K (1, 2..40); its tiles (random M, N <= 8 so padding is exercised) are built from
the model's memory images (act_image / wt_image, HO streams decoded with decode_stream) and
streamed back to back, one k step per transfer, with random input gaps and random tile_ready
backpressure. Checks: every tile bit-exact against aqs_gemm of the padded operands; SWO fires
= tiles * K; DWO fires = the model's DWO product count (memimage.job_stats(...).dwo); with no
gaps and no backpressure a skip-heavy job runs at one step per cycle. Every step carries its
lanes' r_eff and z (step_row_r_i, step_row_z_i; a per-tensor job gives every lane the job's
values; tb_pnc_pea_rowq runs per-row jobs through :func:`run_job`).
"""
from __future__ import annotations

import cocotb
import numpy as np
from panacea.aqs import aqs_gemm
from panacea.memimage import Job, act_image, job_stats, wt_image
from panacea.rle import decode_stream, pack_lanes
from panacea.slicing import r_max, wt_lo_bits

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile, settle, setup, tick

V = 8
MODES = ("dense", "zero", "aqs")


def make_tile(rng, k: int, m: int, n: int, b: int, r: int, p_act: float, p_wt: float):
    """Random (m, k) uint8 activations whose HO slice is r with probability p_act per column,
    and (n, k) int8 weights that are small (HO slice 0 or -1) with probability p_wt."""
    x = rng.integers(0, 256, (m, k))
    hit = rng.random(k) < p_act
    x[:, hit] = (r << b) | (x[:, hit] & ((1 << b) - 1))
    w = rng.integers(-128, 128, (n, k))
    small = rng.random(k) < p_wt
    w[:, small] = rng.integers(-16, 16, (n, int(small.sum())))
    return x.astype(np.uint8), w.astype(np.int8)


def lane_values(job: Job) -> tuple[int, int]:
    """(step_row_r_i, step_row_z_i) of a one-tile job: each lane's r_eff and z (rows beyond M:
    0, 0 for a per-row job, the job's values otherwise)."""
    r = np.zeros(V, np.int64) + (0 if job.per_row else job.r_eff)
    z = np.zeros(V, np.int64) + (0 if job.per_row else job.z)
    if job.per_row:
        r[: job.M] = job.r_eff
        z[: job.M] = job.z
    return (sum(int(v) << (5 * i) for i, v in enumerate(r)),
            sum(int(v) << (8 * i) for i, v in enumerate(z)))


def tile_steps(job: Job) -> list[tuple[int, ...]]:
    """The k steps of a one-tile job as the PEA sees them, from the model's memory images."""
    k, b = job.K, int(job.b)
    row_r, row_z = lane_values(job)
    ai = act_image(job.x, b, job.r_eff)
    wi = wt_image(job.w, bool(job.sbr))
    lw = wt_lo_bits(bool(job.sbr))
    ad = decode_stream(ai.ho[0], k, 8 - b)
    wd = decode_stream(wi.ho[0], k, 4)
    steps = []
    for kk in range(k):
        steps.append((
            int.from_bytes(ai.lo[0][kk * b:(kk + 1) * b].tobytes(), "little"),
            int.from_bytes(pack_lanes(ad.payload[kk:kk + 1], 8 - b), "little"),
            int(ad.live[kk]),
            int.from_bytes(wi.lo[0][kk * lw:(kk + 1) * lw].tobytes(), "little"),
            int.from_bytes(pack_lanes(wd.payload[kk:kk + 1], 4), "little"),
            int(wd.live[kk]),
            int(kk == k - 1),
            row_r,
            row_z,
        ))
    return steps


def expected_tile(job: Job) -> np.ndarray:
    """8x8 Y of the tile incl. padded rows (x = r_eff << b, per row: x = 0 with z = r = 0) and
    channels (w = 0)."""
    wp = np.zeros((V, job.K), np.int8)
    wp[:job.N] = job.w
    if job.per_row:
        xp = np.zeros((V, job.K), np.uint8)
        zp, rp = np.zeros(V, np.int64), np.zeros(V, np.int64)
        xp[:job.M], zp[:job.M], rp[:job.M] = job.x, job.z, job.r
        return aqs_gemm(xp, wp, zp, rp, int(job.b), bool(job.sbr), job.mode).y
    xp = np.full((V, job.K), job.r_eff << int(job.b), np.uint8)
    xp[:job.M] = job.x
    return aqs_gemm(xp, wp, job.z, job.r, int(job.b), bool(job.sbr), job.mode).y


def unpack_tile(v: int) -> np.ndarray:
    e = np.array([(v >> (32 * i)) & 0xFFFFFFFF for i in range(64)], np.int64)
    return np.where(e >= 2**31, e - 2**32, e).reshape(V, V)


STEP_SIGS = ("step_act_lo_i", "step_act_ho_i", "step_act_live_i", "step_wt_lo_i",
             "step_wt_ho_i", "step_wt_live_i", "step_last_i", "step_row_r_i", "step_row_z_i")


async def run_job(dut, rng, cfg: dict, tiles: list[Job], p_idle: float, p_bp: float):
    """Stream the tiles of one job; return (cycles, swo fires, dwo fires, dwo_full cycles)."""
    dut.lo_bits_i.value = cfg["b"]
    dut.sbr_i.value = int(cfg["sbr"])
    dut.dense_i.value = int(cfg["mode"] == "dense")
    steps = [s for t in tiles for s in tile_steps(t)]
    exp = [expected_tile(t) for t in tiles]
    si = 0
    pending = False
    got = []
    cycles = swo = dwo = full = 0
    while len(got) < len(tiles):
        if not pending and si < len(steps) and rng.random() >= p_idle:
            pending = True
            for sig, val in zip(STEP_SIGS, steps[si], strict=True):
                getattr(dut, sig).value = val
        dut.step_valid_i.value = int(pending)
        ready = int(rng.random() >= p_bp)
        dut.tile_ready_i.value = ready
        await settle()
        fire = pending and int(dut.step_ready_o.value)
        swo += int(dut.swo_fire_o.value)
        dwo += int(dut.dwo_fire_o.value)
        full += int(dut.dwo_full_o.value)
        assert int(dut.swo_fire_o.value) == int(bool(fire)), "swo_fire_o != step transfer"
        if ready and int(dut.tile_valid_o.value):
            got.append(unpack_tile(int(dut.tile_acc_o.value)))
        await tick(dut)
        cycles += 1
        if fire:
            pending = False
            si += 1
        assert cycles < 10 * len(steps) + 100, "PEA stalled"
    dut.step_valid_i.value = 0
    dut.tile_ready_i.value = 0
    for t, (g, e) in enumerate(zip(got, exp, strict=True)):
        if not np.array_equal(g, e):
            bad = np.argwhere(g != e)
            i, j = bad[0]
            raise AssertionError(f"{cfg} tile {t}: {len(bad)} mismatches, first (row {i}, col "
                                 f"{j}) got {g[i, j]} expected {e[i, j]}")
    # drain: the DWO may retire its last packet after the final tile was read; none is left.
    await settle()
    assert not int(dut.tile_valid_o.value), "extra tile"
    await tick(dut)
    return cycles, swo, dwo, full


async def reset_idle(dut) -> None:
    """Start the clock and reset with every input idle (no step, LO width 4, SBR on)."""
    dut.step_valid_i.value = 0
    dut.tile_ready_i.value = 0
    for sig in STEP_SIGS:
        getattr(dut, sig).value = 0
    dut.lo_bits_i.value = 4
    dut.sbr_i.value = 1
    dut.dense_i.value = 0
    await setup(dut)


@cocotb.test()
async def pea_random_jobs(dut):
    rng = make_rng("tb_pnc_pea")
    await reset_idle(dut)

    jobs = []
    for b in (3, 4, 5):
        for mode in MODES:
            for sbr in (True, False):
                jobs.append(dict(b=b, mode=mode, sbr=sbr))
    rng.shuffle(jobs)
    ks = [1, 2, 40] + [int(v) for v in rng.integers(2, 41, len(jobs))]
    for n, cfg in enumerate(jobs):
        b = cfg["b"]
        cfg["z"] = int(rng.choice([0, 255, int(rng.integers(0, 256))]))
        cfg["r"] = int(rng.choice([0, r_max(b), int(rng.integers(0, r_max(b) + 1))]))
        k = ks[n]
        n_tiles = int(rng.integers(1, 4))
        p_act, p_wt = (float(rng.choice([0.0, 0.5, 0.9, 1.0])) for _ in range(2))
        tiles = []
        for _ in range(n_tiles):
            m = int(rng.choice([8, int(rng.integers(1, 9))]))
            nn = int(rng.choice([8, int(rng.integers(1, 9))]))
            x, w = make_tile(rng, k, m, nn, b, cfg["r"], p_act, p_wt)
            tiles.append(Job(x=x, w=w, z=cfg["z"], r=cfg["r"], b=b, sbr=cfg["sbr"],
                             mode=cfg["mode"]))
        p_idle, p_bp = gap_profile(rng, n)
        cycles, swo, dwo, full = await run_job(dut, rng, cfg, tiles, p_idle, p_bp)
        dwo_exp = sum(int(job_stats(t).dwo.sum()) for t in tiles)
        assert swo == n_tiles * k, f"job {n}: SWO fires {swo} != tiles*K = {n_tiles * k}"
        assert dwo == dwo_exp, f"job {n} {cfg}: DWO fires {dwo} != model {dwo_exp}"
        dut._log.info(f"job {n}: {cfg} K={k} tiles={n_tiles} p_act={p_act} p_wt={p_wt} "
                      f"gaps={p_idle:.2f}/{p_bp:.2f}: {cycles} cycles, SWO {swo}, DWO {dwo}, "
                      f"dwo_full {full} ok")

    # Throughput: all HO vectors skipped, no gaps -> one step per cycle (plus drain latency).
    k, n_tiles = 40, 4
    cfg = dict(b=4, mode="aqs", sbr=True, z=128, r=8)
    tiles = [Job(x=np.full((8, k), 8 << 4, np.uint8) | rng.integers(0, 16, (8, k)).astype(np.uint8),
                 w=rng.integers(-16, 16, (8, k)).astype(np.int8), z=128, r=8, b=4, sbr=True,
                 mode="aqs") for _ in range(n_tiles)]
    cycles, swo, dwo, _ = await run_job(dut, rng, cfg, tiles, 0.0, 0.0)
    dut._log.info(f"throughput: {n_tiles} tiles x K={k} in {cycles} cycles (DWO {dwo})")
    assert cycles <= n_tiles * k + 4, f"SWO did not run at one step per cycle: {cycles} cycles"
