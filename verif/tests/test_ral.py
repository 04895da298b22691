"""The generated register model, its AXI4-Lite adapter and the explicit predictor, without a
simulator: fields, resets and access policies as arch.toml says, bus items both ways, and the
mirror following observed accesses."""

from __future__ import annotations

import logging

import pytest
from panacea.regmap import REGISTERS
from pyuvm import uvm_access_e, uvm_reg_bus_op, uvm_status_e

from verif.agents.axil import AxilRegAdapter, AxilRegPredictor, RegAccess, RegItem
from verif.ral import PncRegBlock
from verif.ral.sequences import access_mask, expected, readable_mask


@pytest.fixture(scope="module")
def model() -> PncRegBlock:
    logging.getLogger("RegModel").setLevel(logging.ERROR)
    return PncRegBlock("test_regmodel")


def test_block_matches_the_register_map(model):
    regs = {r.get_name(): r for r in model.get_registers()}
    assert list(regs) == list(REGISTERS)
    for name, spec in REGISTERS.items():
        reg = regs[name]
        assert reg.get_offset() == spec.offset
        assert reg.get_reset() == spec.reset, name
        got = [
            (f.get_name(), f.get_lsb_pos(), f.get_n_bits(), f.get_access(), f.is_volatile())
            for f in reg.get_fields()
        ]
        want = [(f.name, f.lsb, f.width, f.access, f.volatile) for f in spec.fields]
        assert got == want, name
        assert access_mask(reg, "RW") == spec.mask("RW")
    assert readable_mask(model.CTRL) == 0  # the start pulse reads 0
    assert model.map.get_reg_by_offset(0x2C) is model.MODE


def test_adapter_round_trip():
    ad = AxilRegAdapter()
    item = ad.reg2bus(uvm_reg_bus_op(kind=uvm_access_e.UVM_WRITE, addr=0x30, data=0x1234))
    assert isinstance(item, RegItem) and (item.op, item.addr, item.data) == ("wr", 0x30, 0x1234)
    rd = RegItem("r", "rd", 0x14, 0)
    rd.data, rd.resp = 1, 2  # SLVERR
    op = uvm_reg_bus_op()
    ad.bus2reg(rd, op)
    assert (op.kind, op.addr, op.data, op.status) == (
        uvm_access_e.UVM_READ,
        0x14,
        1,
        uvm_status_e.UVM_NOT_OK,
    )


def test_predictor_follows_access_policies(model):
    pred = AxilRegPredictor("pred", None)
    pred.map = model.map
    model.reset("HARD")
    pred.observe(RegAccess(True, 0x2C, 0xFFFFFFFF))  # MODE: RW bits [6:0]
    assert expected(model.MODE) == 0x7F
    pred.observe(RegAccess(True, 0x00, 0))  # ID is RO
    assert expected(model.ID) == REGISTERS["ID"].reset
    pred.observe(RegAccess(False, 0x14, 1))  # IRQ_STATUS read as set
    pred.observe(RegAccess(True, 0x14, 0))  # W1C: 0 keeps
    assert expected(model.IRQ_STATUS) == 1
    pred.observe(RegAccess(True, 0x16, 1))  # byte address inside the word; 1 clears
    assert expected(model.IRQ_STATUS) == 0
    pred.observe(RegAccess(True, 0x1C, 5))
    assert pred.unmapped == [RegAccess(True, 0x1C, 5)]
