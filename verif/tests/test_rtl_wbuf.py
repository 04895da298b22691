"""pytest front door for the pnc_wbuf unit bench (verif/tests/unit/tb_pnc_wbuf.py).

Runs on Icarus and Verilator with a 512-byte buffer (64 words: jobs with K up to ~50 fit, larger
ones pass through) and with no buffer (WbufBytes = 0: a wire). Seed: $PNC_SEED (default 1).
Rerun one case: `pytest verif/tests/test_rtl_wbuf.py -k "wbuf512 and verilator"`.
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import run_cocotb

SEED = int(os.environ.get("PNC_SEED", "1"))
CAPS = {"wbuf512": 512, "wbuf0": 0}


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("cap", list(CAPS.values()), ids=list(CAPS))
def test_wbuf_unit(sim: str, cap: int) -> None:
    run_cocotb(
        sim,
        "pnc_wbuf",
        ["pnc_fifo", "pnc_ram_1r1w", "pnc_wbuf"],
        "verif.tests.unit.tb_pnc_wbuf",
        seed=SEED,
        parameters={"WbufBytes": cap},
    )
