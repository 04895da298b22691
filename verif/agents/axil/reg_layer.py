"""The AXI4-Lite agent under a pyuvm register model: adapter and explicit predictor.

:class:`AxilRegAdapter` turns each bus operation of the register model into a :class:`RegItem`
for the agent's sequencer (and the completed item back: read data, RESP -> status).

:class:`AxilRegPredictor` keeps the model's mirror in step with the DUT from the passive
:class:`AxilMonitor` (explicit prediction; pyuvm 5's ``uvm_reg_predictor`` is not implemented):
every write the bus completes is predicted through the fields' access policies (RW takes the
value, RO keeps it, W1C clears the ones written), every read sets the mirror to what was read,
so accesses of any sequence or BFM, not only the model's own, update it. A falling ``rst_ni``
resets the mirror to the reset values. The monitor reports whole-word writes: every writer in
the pyuvm environment writes all four bytes.
"""

from __future__ import annotations

import cocotb
from cocotb.triggers import FallingEdge
from pyuvm import (
    uvm_access_e,
    uvm_component,
    uvm_predict_e,
    uvm_reg_adapter,
    uvm_reg_bus_op,
    uvm_reg_map,
    uvm_status_e,
)

from .axil_agent import RegItem
from .monitor import AxilMonitor, RegAccess

RESP_OKAY = 0


class AxilRegAdapter(uvm_reg_adapter):
    """Register-model bus operation <-> one 32-bit :class:`RegItem`."""

    def __init__(self, name: str = "axil_reg_adapter") -> None:
        super().__init__(name)
        self.supports_byte_enable = False
        self.provides_responses = False

    def reg2bus(self, rw: uvm_reg_bus_op) -> RegItem:
        op = "wr" if rw.kind == uvm_access_e.UVM_WRITE else "rd"
        return RegItem(f"ral_{op}", op, rw.addr, rw.data if op == "wr" else 0)

    def bus2reg(self, bus_item: RegItem, rw: uvm_reg_bus_op) -> None:
        rw.kind = uvm_access_e.UVM_WRITE if bus_item.op == "wr" else uvm_access_e.UVM_READ
        rw.addr = bus_item.addr
        rw.data = bus_item.data
        ok = bus_item.resp == RESP_OKAY
        rw.status = uvm_status_e.UVM_IS_OK if ok else uvm_status_e.UVM_NOT_OK


class AxilRegPredictor(uvm_component):
    """Mirror updates from the pins: connect with :meth:`attach` once the DUT exists."""

    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.map: uvm_reg_map | None = None
        self.unmapped: list[RegAccess] = []  # accesses to offsets without a register

    def attach(self, dut, reg_map: uvm_reg_map, prefix: str = "s_axil") -> None:
        """Watch ``<prefix>_*`` of ``dut`` and predict into ``reg_map``."""
        self.map = reg_map
        reg_map.get_parent().reset("HARD")  # the DUT is in reset when the BFMs are attached
        AxilMonitor(dut, prefix).listeners.append(self.observe)
        cocotb.start_soon(self._watch_reset(dut))

    async def _watch_reset(self, dut) -> None:
        while True:
            await FallingEdge(dut.rst_ni)
            self.map.get_parent().reset("HARD")

    def observe(self, acc: RegAccess) -> None:
        offset = acc.addr & ~0x3  # the slave ignores address bits [1:0]
        reg = self.map.get_reg_by_offset(offset + self.map.get_base_addr())
        if reg is None:
            self.unmapped.append(acc)
            return
        kind = uvm_predict_e.UVM_PREDICT_WRITE if acc.write else uvm_predict_e.UVM_PREDICT_READ
        reg.predict(acc.data, kind=kind, map=self.map)
