"""AXI4-Lite register agent: cocotbext-axi's AxiLiteMaster under a pyuvm driver.

Register ports (anything with ``async access(ops) -> {name: value}``, ``ops`` a list of
``("wr"|"rd", name, value)``) let the job BFM program registers without knowing the layer
above it: :class:`AxilRegs` drives the AxiLiteMaster directly (plain cocotb benches),
:class:`SeqrRegs` runs the accesses as a :class:`RegSeq` on the agent's sequencer (pyuvm).

Sequence items are single 32-bit register accesses (``RegItem``); the driver performs them on
the bus and writes the response (read data, RESP) back into the item, then publishes the
completed item on ``ap`` (the agent's monitor view: every access the bus saw). Register names
come from ``panacea.config.REGS`` (arch.toml), never from a hand-kept copy.

The bus-functional model (the AxiLiteMaster) is created by the test from ``cocotb.top`` once the
DUT is in reset and handed over through the ``BFMS`` holder in ``ConfigDB`` (attribute
``axil``), so this layer never touches signals.
"""

from __future__ import annotations

from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from panacea.config import REGS
from pyuvm import (
    ConfigDB,
    uvm_agent,
    uvm_analysis_port,
    uvm_driver,
    uvm_sequence,
    uvm_sequence_item,
    uvm_sequencer,
)


class RegItem(uvm_sequence_item):
    """One register access: ``op`` "rd" or "wr", ``addr`` byte offset, ``data`` 32-bit."""

    def __init__(self, name="reg_item", op="rd", addr=0, data=0):
        super().__init__(name)
        self.op, self.addr, self.data, self.resp = op, int(addr), int(data), 0

    def __str__(self):
        return f"{self.op} {self.addr:#04x} = {self.data:#010x} resp={self.resp}"


class AxilDriver(uvm_driver):
    def build_phase(self):
        self.bfms = ConfigDB().get(self, "", "BFMS")
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if item.op == "wr":
                data = int(item.data & 0xFFFFFFFF).to_bytes(4, "little")
                r = await self.bfms.axil.write(item.addr, data)
                item.resp = int(r.resp)
            else:
                r = await self.bfms.axil.read(item.addr, 4)
                item.data = int.from_bytes(bytes(r.data), "little")
                item.resp = int(r.resp)
            self.ap.write(item)
            self.seq_item_port.item_done()


class AxilAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = AxilDriver("driver", self)
        ConfigDB().set(None, "*", "REG_SEQR", self.seqr)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.ap = self.driver.ap


class RegSeq(uvm_sequence):
    """Run a list of ``(op, reg_name_or_addr, data)`` accesses; ``results`` holds the items."""

    def __init__(self, name="reg_seq", ops=()):
        super().__init__(name)
        self.ops = list(ops)
        self.results: list[RegItem] = []

    async def body(self):
        for op, reg, data in self.ops:
            item = RegItem(f"{op}_{reg}", op, _addr(reg), data)
            await self.start_item(item)
            await self.finish_item(item)
            self.results.append(item)


async def reg_write(seqr, reg, value) -> RegItem:
    seq = RegSeq("wr", [("wr", reg, value)])
    await seq.start(seqr)
    return seq.results[0]


async def reg_read(seqr, reg) -> int:
    seq = RegSeq("rd", [("rd", reg, 0)])
    await seq.start(seqr)
    return seq.results[0].data


def make_axil_master(dut, prefix: str = "s_axil") -> AxiLiteMaster:
    """cocotbext-axi AxiLiteMaster on ``<prefix>_*`` (clock ``clk_i``, active-low ``rst_ni``)."""
    return AxiLiteMaster(
        AxiLiteBus.from_prefix(dut, prefix), dut.clk_i, dut.rst_ni, reset_active_level=False
    )


def _addr(reg) -> int:
    return int(REGS[reg]) if isinstance(reg, str) else int(reg)


class AxilRegs:
    """Register port on an AxiLiteMaster: accesses one after the other, reads returned by name."""

    def __init__(self, master: AxiLiteMaster) -> None:
        self.master = master

    async def access(self, ops) -> dict:
        out = {}
        for op, reg, data in ops:
            if op == "wr":
                await self.master.write_dword(_addr(reg), int(data) & 0xFFFFFFFF)
            else:
                out[reg] = int(await self.master.read_dword(_addr(reg)))
        return out


class SeqrRegs:
    """Register port through the register agent: one :class:`RegSeq` per call on ``seqr``."""

    def __init__(self, seqr) -> None:
        self.seqr = seqr

    async def access(self, ops) -> dict:
        seq = RegSeq("regs", ops)
        await seq.start(self.seqr)
        return {
            reg: it.data
            for (op, reg, _), it in zip(seq.ops, seq.results, strict=True)
            if op == "rd"
        }
