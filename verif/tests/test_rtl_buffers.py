"""pytest front door for the two buffer unit benches: pnc_wbuf (verif/tests/unit/tb_pnc_wbuf.py)
and pnc_abuf (verif/tests/unit/tb_pnc_abuf.py), which share their stream/command loop
(verif/tests/unit/_twostream.py).

Each runs on Icarus and Verilator with a small buffer and with none (0 bytes: a wire):
- pnc_wbuf, 512 bytes (64 words: jobs with K up to ~50 fit, larger ones pass through);
- pnc_abuf, 1 KiB (a 64-word bank per stream at 64 bits: jobs with small K hold one or several
  m-tiles, larger ones pass through).
Seed: $PNC_SEED (default 1).
Rerun one case: `pytest verif/tests/test_rtl_buffers.py -k "abuf1k and verilator"`.
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import run_cocotb

SEED = int(os.environ.get("PNC_SEED", "1"))
# case id -> (module, its size parameter, bytes)
CASES = {
    "wbuf512": ("pnc_wbuf", "WbufBytes", 512),
    "wbuf0": ("pnc_wbuf", "WbufBytes", 0),
    "abuf1k": ("pnc_abuf", "AbufBytes", 1024),
    "abuf0": ("pnc_abuf", "AbufBytes", 0),
}


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_buffer_unit(sim: str, case: tuple[str, str, int]) -> None:
    module, param, cap = case
    run_cocotb(
        sim,
        module,
        ["pnc_fifo", "pnc_ram_1r1w", "pnc_stream_bank", module],
        f"verif.tests.unit.tb_{module}",
        seed=SEED,
        parameters={param: cap},
    )
