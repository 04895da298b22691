"""pytest front door for the register-model tests (UVM's standard register sequences).

Per simulator, one run of the four register tests of verif/tests/uvm/tb_pnc_uvm.py: reset
values, bit-bash, access policies (RO, W1C after a job) and no aliasing, each on the register
model generated from arch.toml and each ending with a legal job. The top level is built once per
simulator and shared with the other top-level tests. PNC_SEED=<n> picks another seed (default 1).
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import all_rtl, run_cocotb

SIMS = ["icarus", "verilator"]
SEED = int(os.environ.get("PNC_SEED", "1"))
MODULE = "verif.tests.uvm.tb_pnc_uvm"
REGISTER_TESTS = ["RegHwReset", "RegBitBash", "RegAccessPolicies", "RegNoAliasing"]


@pytest.mark.parametrize("sim", SIMS)
def test_uvm_register_sequences(sim: str) -> None:
    run_cocotb(sim, "pnc_top", all_rtl(), MODULE, testcase=REGISTER_TESTS, seed=SEED)
