"""pytest front door for the bus/infrastructure unit benches (pnc_axi_rd, pnc_axi_wr, pnc_regs).

Each case builds its configuration once (verif.common.runner) and runs one cocotb bench module
on Icarus and on Verilator. The seed is fixed per case so both simulators see the same stimulus;
set PNC_SEED=<n> to try another one. On failure the message carries a one-line rerun command.
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import run_cocotb

SIMS = ["icarus", "verilator"]
SEED = int(os.environ.get("PNC_SEED", "1"))

BENCHES = [
    # (id, top level, RTL files, cocotb module, parameters)
    (
        "axi_rd_ns3",
        "pnc_axi_rd",
        ["pnc_fifo", "pnc_burst_split", "pnc_axi_rd"],
        "verif.tests.unit.tb_pnc_axi_rd",
        {"NS": 3},
    ),
    (
        "axi_wr",
        "pnc_axi_wr",
        ["pnc_fifo", "pnc_burst_split", "pnc_axi_wr"],
        "verif.tests.unit.tb_pnc_axi_wr",
        {},
    ),
    ("regs", "pnc_regs", ["pnc_regs"], "verif.tests.unit.tb_pnc_regs", {}),
]


@pytest.mark.parametrize("sim", SIMS)
@pytest.mark.parametrize(
    "top,rtl,module,params", [b[1:] for b in BENCHES], ids=[b[0] for b in BENCHES]
)
def test_bus_unit(sim: str, top: str, rtl: list[str], module: str, params: dict) -> None:
    run_cocotb(sim, top, rtl, module, seed=SEED, parameters=params)
