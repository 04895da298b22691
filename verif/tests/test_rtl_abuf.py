"""pytest front door for the pnc_abuf unit bench (verif/tests/unit/tb_pnc_abuf.py).

Runs on Icarus and Verilator with a 1 KiB buffer (a 64-word bank per stream at 64 bits: jobs
with small K hold one or several m-tiles, larger ones pass through) and with no buffer
(AbufBytes = 0: a wire). Seed: $PNC_SEED (default 1).
Rerun one case: `pytest verif/tests/test_rtl_abuf.py -k "abuf1k and verilator"`.
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import run_cocotb

SEED = int(os.environ.get("PNC_SEED", "1"))
CAPS = {"abuf1k": 1024, "abuf0": 0}


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("cap", list(CAPS.values()), ids=list(CAPS))
def test_abuf_unit(sim: str, cap: int) -> None:
    run_cocotb(
        sim,
        "pnc_abuf",
        ["pnc_fifo", "pnc_ram_1r1w", "pnc_abuf"],
        "verif.tests.unit.tb_pnc_abuf",
        seed=SEED,
        parameters={"AbufBytes": cap},
    )
