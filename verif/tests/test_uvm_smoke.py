"""pytest front door for the pyuvm top-level environment (smoke level, both simulators).

Per simulator: one run of the smoke tests (one job per output format, every descriptor error
followed by a good job; the register tests run in test_uvm_regs.py), and one run of
``CorruptedPredictionMustFail``, which must FAIL: it proves the scoreboard catches a wrong element.
The top level is built once per simulator (verif.common.runner) and shared with the other top-level
tests. PNC_SEED=<n> picks another seed (default 1). Longer levels:
``make sim MODULE=verif.tests.uvm.tb_pnc_uvm TEST=...``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from verif.common.runner import CocotbTestFailed, all_rtl, run_cocotb

ROOT = Path(__file__).resolve().parents[2]
SIMS = ["icarus", "verilator"]
SEED = int(os.environ.get("PNC_SEED", "1"))
MODULE = "verif.tests.uvm.tb_pnc_uvm"
SMOKE = ["SmokeOneJobPerOutputFormat", "IllegalDescriptorsThenLegalJob"]


@pytest.mark.parametrize("sim", SIMS)
def test_uvm_smoke(sim: str) -> None:
    run_cocotb(sim, "pnc_top", all_rtl(), MODULE, testcase=SMOKE, seed=SEED)


@pytest.mark.parametrize("sim", SIMS)
def test_uvm_corrupted_prediction_fails(sim: str) -> None:
    """The run must fail, and only because of the flipped element (not a hang or a crash).

    Under pytest, cocotb's runner reports failing cocotb tests with SystemExit rather than
    returning, so both that and CocotbTestFailed count as "the run failed"."""
    tdir = ROOT / "build" / "runs" / f"{sim}-uvm-corrupted-prediction-{SEED}-{os.getpid()}"
    with pytest.raises((CocotbTestFailed, SystemExit)):
        run_cocotb(
            sim,
            "pnc_top",
            all_rtl(),
            MODULE,
            testcase="CorruptedPredictionMustFail",
            seed=SEED,
            test_dir=tdir,
        )
    log = (tdir / "sim.log").read_text(errors="replace")
    kinds = set(re.findall(r"job \d+: (\w+):", log))
    assert kinds == {"element", "bytes"}, f"failed for other reasons too: {kinds}"
    assert "CorruptedPredictionMustFail" in log and "FAIL" in log
