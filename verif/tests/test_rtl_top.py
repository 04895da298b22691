"""pytest front door for the top-level end-to-end test (pnc_top, tb_top_e2e) on both simulators.

Each (simulator, testcase) builds pnc_top once (verif.common.runner) and runs one cocotb test of
verif.tests.top.tb_top_e2e. The seed is fixed so both simulators see the same jobs; set
PNC_SEED=<n> for other stimulus and PNC_E2E_JOBS=<n> for more random jobs. On failure the message
carries a one-line rerun command.
"""
from __future__ import annotations

import os

import pytest

from verif.common.runner import run_cocotb

SIMS = ["icarus", "verilator"]
SEED = int(os.environ.get("PNC_SEED", "1"))
MODULE = "verif.tests.top.tb_top_e2e"
TESTS = ["e2e_random_jobs", "e2e_illegal_descriptor", "e2e_stream_corrupt", "e2e_cycles_per_mode"]
RTL = ["pnc_regs", "pnc_ctrl", "pnc_axi_rd", "pnc_axi_wr", "pnc_unpack", "pnc_rle_dec",
       "pnc_join", "pnc_fifo", "pnc_swo", "pnc_dwo", "pnc_cs", "pnc_pea", "pnc_requant",
       "pnc_rle_enc", "pnc_post", "pnc_top"]


@pytest.mark.parametrize("sim", SIMS)
@pytest.mark.parametrize("testcase", TESTS)
def test_top_e2e(sim: str, testcase: str) -> None:
    env = {"PNC_E2E_JOBS": os.environ.get("PNC_E2E_JOBS", "12")}
    run_cocotb(sim, "pnc_top", RTL, MODULE, testcase=testcase, seed=SEED, extra_env=env)
