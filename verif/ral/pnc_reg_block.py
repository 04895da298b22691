"""pyuvm register model of the Panacea AXI4-Lite register file (docs/architecture.md sec. 5).

Built from :data:`panacea.regmap.REGISTERS` (the ``[regs]`` and ``[reg_fields]`` tables of
arch.toml), so it cannot drift from the model or ``rtl/pnc_pkg.sv``. :class:`PncRegBlock` holds one
``uvm_reg`` per register (attribute = register name) with one ``uvm_reg_field`` per field
(attribute = field name): access policy, reset value and volatility from arch.toml (RO, RW, W1C,
and WO for the start pulse, which reads 0). Every register is mapped "RW" in ``map`` so that
writes to read-only registers reach the bus (the standard register sequences check that the
hardware ignores them). The block is locked when built; connect ``map`` with
``map.set_sequencer(sequencer, adapter)``.
"""

from __future__ import annotations

from panacea.regmap import REGISTERS, Register
from panacea.regspec import REG_BITS
from pyuvm import uvm_endianness_e, uvm_reg, uvm_reg_block, uvm_reg_field, uvm_reg_map


def _reg(spec: Register) -> uvm_reg:
    """A ``uvm_reg`` named after ``spec`` with its fields as attributes, in bit order."""
    reg = uvm_reg(spec.name, REG_BITS)
    for f in spec.fields:
        field = uvm_reg_field(f.name)
        field.configure(reg, f.width, f.lsb, f.access, f.volatile, f.reset, True, False, False)
        setattr(reg, f.name, field)
    return reg


class PncRegBlock(uvm_reg_block):
    """Every register of the AXI4-Lite slave, mapped at ``base_addr`` (4-byte words)."""

    def __init__(self, name: str = "regmodel", base_addr: int = 0) -> None:
        super().__init__(name)
        self.map = uvm_reg_map("map")
        self.map.configure(self, base_addr, 4, uvm_endianness_e.UVM_LITTLE_ENDIAN, True)
        for spec in REGISTERS.values():
            reg = _reg(spec)
            setattr(self, spec.name, reg)
            reg.configure(self)
            self.map.add_reg(reg, spec.offset, "RW")
        self.lock_model()
