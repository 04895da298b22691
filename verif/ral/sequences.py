"""UVM's standard register sequences, for a pyuvm register model (pyuvm 5 has none of them).

Each sequence works on any locked ``uvm_reg_block`` whose default map has a sequencer and an
adapter, and whose mirror an explicit predictor keeps up to date (every access on the bus
updates it; see ``verif.agents.axil.AxilRegPredictor``). They run as virtual sequences
(``await seq.start()``), access registers through the front door only, and collect every
difference in ``problems`` (one line each: register, what was written, read, expected) instead
of stopping at the first; the caller asserts that the list is empty.

* :class:`RegHwResetSeq` (``uvm_reg_hw_reset_seq``): right after reset every register reads its
  reset value, volatile fields included (their reset state is defined too).
* :class:`RegBitBashSeq` (``uvm_reg_bit_bash_seq``): every bit of every register is written 1
  and 0 in turn (the other bits keep their mirrored value) and read back; the read must equal
  the mirror, which the predictor computed from the fields' access policies: RW bits follow,
  RO and unmapped bits keep their value, W1C bits clear on 1.
* :class:`RegAccessSeq` (the access-policy part of ``uvm_reg_access_seq``): read-only fields
  ignore writes of all-ones, all-zeros and the inverted value; write-1-to-clear fields keep
  their set bits when 0 is written and clear exactly the bits written 1. The W1C part needs
  the caller to make the hardware set those bits first (``w1c_set``: register -> bits set).
* :class:`RegNoAliasSeq` (``uvm_reg_mem_shared_access_seq`` turned around: no two offsets
  share storage): a write to one register, with every bit inverted, changes no other register.

Write-only pulse fields (access "WO") read 0 and take no part in read checks. Registers named in
``skip`` (e.g. a register whose write starts the hardware) are not written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pyuvm import uvm_door_e, uvm_reg, uvm_reg_block, uvm_sequence, uvm_status_e

WORD = 0xFFFFFFFF
PULSE = "WO"  # write-only pulse fields read 0


@contextmanager
def _quiet_volatile() -> Iterator[None]:
    """pyuvm warns on every mirror read of a volatile field; these sequences mean to read it."""
    log = logging.getLogger("RegModel")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def readable_mask(reg: uvm_reg) -> int:
    """Bits of ``reg`` that read back what they hold (every field except write-only pulses)."""
    out = 0
    for f in reg.get_fields():
        if f.get_access() != PULSE:
            out |= ((1 << f.get_n_bits()) - 1) << f.get_lsb_pos()
    return out


def access_mask(reg: uvm_reg, *access: str) -> int:
    """Bits of the fields of ``reg`` with one of the access policies ``access``."""
    out = 0
    for f in reg.get_fields():
        if f.get_access() in access:
            out |= ((1 << f.get_n_bits()) - 1) << f.get_lsb_pos()
    return out


def expected(reg: uvm_reg) -> int:
    """What a read of ``reg`` must return according to the mirror."""
    with _quiet_volatile():
        return reg.get_mirrored_value() & readable_mask(reg)


class RegSeqBase(uvm_sequence):
    """Front-door access helpers and the problem list shared by the standard sequences."""

    def __init__(self, name: str, model: uvm_reg_block, skip: Iterable[str] = ()) -> None:
        super().__init__(name)
        self.model = model
        self.skip = set(skip)
        self.problems: list[str] = []
        self.accesses = 0

    def registers(self, writable_only: bool = False) -> list[uvm_reg]:
        """The block's registers in address order (``skip`` left out when writing)."""
        regs = sorted(self.model.get_registers(), key=lambda r: r.get_offset())
        if writable_only:
            regs = [r for r in regs if r.get_name() not in self.skip]
        return regs

    async def read(self, reg: uvm_reg) -> int:
        status, value = await reg.read(uvm_door_e.UVM_FRONTDOOR, self.model.get_default_map())
        self.accesses += 1
        if status != uvm_status_e.UVM_IS_OK:
            self.problems.append(f"{reg.get_name()}: read status {status.name}")
        return int(value)

    async def write(self, reg: uvm_reg, value: int) -> None:
        status = await reg.write(
            value & WORD, uvm_door_e.UVM_FRONTDOOR, self.model.get_default_map()
        )
        self.accesses += 1
        if status != uvm_status_e.UVM_IS_OK:
            self.problems.append(f"{reg.get_name()}: write status {status.name}")

    async def check(self, reg: uvm_reg, what: str) -> int:
        """Read ``reg`` and compare with the mirror's expectation; returns the value read."""
        want = expected(reg)
        got = await self.read(reg)
        if got != want:
            self.problems.append(
                f"{reg.get_name()}: {what}: read 0x{got:08X}, expected 0x{want:08X} "
                f"(differing bits 0x{got ^ want:08X})"
            )
        return got

    async def refresh(self) -> None:
        """Read every register once so that the mirror holds the hardware's current state."""
        for reg in self.registers():
            await self.read(reg)


class RegHwResetSeq(RegSeqBase):
    """Every register reads its reset value; run it right after the DUT's reset."""

    async def body(self):
        self.model.reset("HARD")
        for reg in self.registers():
            await self.check(reg, "after reset")


class RegBitBashSeq(RegSeqBase):
    """Write 1 then 0 into every bit of every register, reading back after each write."""

    async def body(self):
        await self.refresh()
        for reg in self.registers(writable_only=True):
            for bit in range(reg.get_n_bits()):
                for val in (1, 0):
                    with _quiet_volatile():
                        base = reg.get_mirrored_value()
                    word = (base & ~(1 << bit)) | (val << bit)
                    await self.write(reg, word)
                    await self.check(reg, f"bit {bit} written {val} (word 0x{word:08X})")


class RegAccessSeq(RegSeqBase):
    """Read-only fields ignore writes; write-1-to-clear fields clear on 1 and keep on 0.

    ``w1c_set``: register name -> the W1C bits the caller made the hardware set before
    starting the sequence (each must read 1 first).
    """

    def __init__(
        self,
        name: str,
        model: uvm_reg_block,
        skip: Iterable[str] = (),
        w1c_set: dict[str, int] | None = None,
    ) -> None:
        super().__init__(name, model, skip)
        self.w1c_set = dict(w1c_set or {})

    async def body(self):
        await self.refresh()
        for reg in self.registers(writable_only=True):
            ro = access_mask(reg, "RO")
            if not ro:
                continue
            before = await self.read(reg)
            for word in (WORD, 0, ~before & WORD):
                await self.write(reg, word)
                got = await self.read(reg)
                if (got ^ before) & ro:
                    self.problems.append(
                        f"{reg.get_name()}: read-only bits changed by writing 0x{word:08X}: "
                        f"0x{before & ro:08X} -> 0x{got & ro:08X}"
                    )
        for name, bits in self.w1c_set.items():
            await self._w1c(self.model.get_reg_by_name(name), bits)

    async def _w1c(self, reg: uvm_reg, bits: int) -> None:
        name, w1c = reg.get_name(), access_mask(reg, "W1C")
        if bits & ~w1c or not bits:
            self.problems.append(f"{name}: w1c_set 0x{bits:X} is not a set of W1C bits")
            return
        got = await self.read(reg)
        if got & w1c != bits:
            self.problems.append(
                f"{name}: W1C bits read 0x{got & w1c:08X} after the set condition, "
                f"expected 0x{bits:08X}"
            )
            return
        await self.write(reg, 0)  # writing 0 keeps every bit
        await self.check(reg, "W1C bits after writing 0")
        for bit in range(reg.get_n_bits()):
            if bits >> bit & 1:
                await self.write(reg, 1 << bit)  # clears exactly this bit
                got = await self.check(reg, f"W1C bit {bit} after writing 1 to it")
                if got >> bit & 1:
                    self.problems.append(f"{name}: W1C bit {bit} still set after writing 1")


class RegNoAliasSeq(RegSeqBase):
    """A write to any one register (every bit inverted) changes no other register."""

    async def body(self):
        await self.refresh()
        regs = self.registers()
        for target in self.registers(writable_only=True):
            with _quiet_volatile():
                word = ~target.get_mirrored_value() & WORD
            await self.write(target, word)
            for reg in regs:
                what = "written" if reg is target else f"after writing {target.get_name()}"
                await self.check(reg, f"{what} 0x{word:08X}")
