"""Cycle model against CYCLES measured on the RTL (Verilator, no injected AXI stalls).

Each point is a job built deterministically by :func:`verif.seq_lib.cycle_points.make_job` and
the CYCLES register the RTL reported for it when the model was fitted (architecture.md section
6), per named configuration (``cycle_points.POINTS``). The checks below run on the points of the
configuration this process models; the paper build's points are also checked from a child
process in every default run. A model change that drifts away from the RTL fails here; after an
RTL change, re-measure the points (``e2e_cycle_points`` of ``verif/tests/top/tb_top_e2e.py``
logs them) instead of widening the checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from panacea import arch
from panacea.config import CONFIG_NAME
from panacea.cycles import CYCLE_SLACK, CYCLE_TOL, mode_cycles, within_tolerance
from panacea.memimage import Job, wbuf_fits

from verif.seq_lib.cycle_points import POINTS as POINTS_OF
from verif.seq_lib.cycle_points import make_job, point_id

POINTS = POINTS_OF.get(CONFIG_NAME, [])
needs_points = pytest.mark.skipif(not POINTS, reason=f"no RTL points pinned for {CONFIG_NAME}")
# The tighter bound each point holds (what the fit achieved), per configuration: drift shows
# here before the scoreboard's tolerance would notice it.
TIGHT = {"default": (0.05, 32), "paper": (0.05, 32)}


@needs_points
@pytest.mark.parametrize(("spec", "rtl"), POINTS, ids=[point_id(s) for s, _ in POINTS])
def test_model_matches_rtl_point(spec: tuple, rtl: int) -> None:
    model = mode_cycles(make_job(*spec)).cycles
    assert within_tolerance(rtl, model), (rtl, model, CYCLE_TOL, CYCLE_SLACK)
    rel, slack = TIGHT[CONFIG_NAME]
    assert abs(model - rtl) <= rel * rtl + slack, (rtl, model)


@needs_points
def test_model_mean_error_on_rtl_points() -> None:
    err = [abs(mode_cycles(make_job(*s)).cycles - rtl) / rtl for s, rtl in POINTS]
    assert float(np.mean(err)) <= 0.05


@needs_points
def test_points_cover_the_weight_buffer_both_ways() -> None:
    fits = {wbuf_fits(make_job(*s)) for s, _ in POINTS}
    assert fits == {True, False}


MODEL_OF_POINTS = """
import json
from panacea.cycles import mode_cycles
from verif.seq_lib.cycle_points import POINTS, make_job
from panacea.config import CONFIG_NAME
print(json.dumps([mode_cycles(make_job(*s)).cycles for s, _ in POINTS[CONFIG_NAME]]))
"""


@pytest.mark.parametrize("config", [c for c in POINTS_OF if c != CONFIG_NAME])
def test_points_of_another_configuration(config: str) -> None:
    """The model of another build (a child process: one configuration per process) against that
    build's pinned RTL points, with the same checks as above."""
    env = {**os.environ, arch.CONFIG_ENV: config}
    out = subprocess.run(
        [sys.executable, "-c", MODEL_OF_POINTS], env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    model = json.loads(out.splitlines()[-1])
    rel, slack = TIGHT[config]
    tol = float(arch.resolve(arch.load_raw(), config)["cycle"]["CYCLE_TOL"])
    err = []
    for (spec, rtl), m in zip(POINTS_OF[config], model, strict=True):
        assert abs(rtl - m) <= tol * m + CYCLE_SLACK, (point_id(spec), rtl, m)
        assert abs(m - rtl) <= rel * rtl + slack, (point_id(spec), rtl, m)
        err.append(abs(m - rtl) / rtl)
    assert float(np.mean(err)) <= 0.05


@pytest.mark.parametrize("kind", ["live", "mixed", "dead"])
def test_more_k_never_fewer_cycles(kind: str) -> None:
    """Prefixes of one job along K: the longer reduction is never modelled faster."""
    import dataclasses

    full = make_job(20, 36, 200, kind, "aqs", seed=3)
    for mode in ("dense", "zero_skip", "aqs"):
        c = [
            mode_cycles(
                dataclasses.replace(full, x=full.x[:, :k], w=full.w[:, :k], mode=mode)
            ).cycles
            for k in (1, 2, 7, 8, 9, 64, 65, 200)
        ]
        assert c == sorted(c), (mode, c)


def test_skip_modes_ordered_on_sparse_operands() -> None:
    """Skipping never costs cycles when both operands are sparse (DWO-bound layer)."""
    job = make_job(64, 64, 256, "mixed", "aqs", seed=5)
    c = {md: mode_cycles(job.with_mode(md)).cycles for md in ("dense", "zero_skip", "aqs")}
    assert c["aqs"] <= c["zero_skip"] <= c["dense"]


def test_model_bounds_hold_on_a_large_layer() -> None:
    """Its speed on this shape is a figure of `make bench-model`, not a timed test."""
    from panacea.cycles import cycle_model

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (512, 384)).astype(np.uint8)
    w = rng.integers(-128, 128, (1536, 384)).astype(np.int8)
    rep = cycle_model(Job(x=x, w=w, z=128, r=8, b=4))
    assert all(c.cycles >= c.lower_limit for c in rep.per_mode.values())
