"""The register map, job descriptor and HO stream header of ``arch.toml``, checked.

:func:`build_model` reads the ``[regs]``, ``[reg_fields]``, ``[descriptor]`` and ``[ho_header]``
tables of a loaded ``arch.toml`` into :class:`Register` and :class:`Field` objects and rejects a
table that breaks a rule with a one-line :class:`SourceError`. :mod:`panacea.regmap` builds the
package's own map with it; ``scripts/gen_params.py`` uses it to write ``rtl/pnc_pkg.sv`` and the
docs tables, so the Python and RTL views come from one reading of the source.

Access types: RO (writes ignored), RW, W1C (writing 1 clears, 0 keeps), WO (a write-only pulse;
reads 0). Bits outside every field read 0 and ignore writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACCESS: tuple[str, ...] = ("RO", "RW", "W1C", "WO")
REG_BITS = 32


class SourceError(Exception):
    """arch.toml breaks a rule of the register/descriptor/header tables."""


@dataclass(frozen=True)
class Field:
    """Bits ``[lsb + width - 1 : lsb]`` of register ``reg``."""

    reg: str
    name: str
    lsb: int
    width: int
    access: str
    reset: int
    desc: str
    volatile: bool = False  # the hardware changes it (status, counters, pulses)

    @property
    def mask(self) -> int:
        """The field's bits in its register."""
        return ((1 << self.width) - 1) << self.lsb

    def get(self, word: int) -> int:
        """The field's value in the register value ``word``."""
        return (int(word) >> self.lsb) & ((1 << self.width) - 1)

    def put(self, word: int, value: int) -> int:
        """``word`` with the field set to ``value`` (masked to its width)."""
        return (int(word) & ~self.mask) | ((int(value) << self.lsb) & self.mask)


@dataclass(frozen=True)
class Register:
    """One 32-bit register at byte ``offset`` of the AXI4-Lite space."""

    name: str
    offset: int
    fields: tuple[Field, ...]

    def mask(self, *access: str) -> int:
        """Bits of the fields with one of the ``access`` types (every field when none given)."""
        out = 0
        for f in self.fields:
            if not access or f.access in access:
                out |= f.mask
        return out

    @property
    def reset(self) -> int:
        """The register's value after reset."""
        return sum(f.reset << f.lsb for f in self.fields)

    @property
    def is_counter(self) -> bool:
        """A performance counter: one field named ``count``."""
        return [f.name for f in self.fields] == ["count"]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"register {self.name} has no field {name!r}")


@dataclass(frozen=True)
class RegSpec:
    """The checked tables: registers in address order, the descriptor in ``desc_t`` order (first =
    most significant) and the header fields ``(name, lsb, width, desc)`` in bit order."""

    regs: tuple[Register, ...]
    descriptor: dict[str, Field]
    hdr_bytes: int
    hdr: tuple[tuple[str, int, int, str], ...]


def _resolve_reset(cfg: dict, where: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.fullmatch(r"\s*([A-Z_0-9]+)\s*(?:/\s*(\d+))?\s*", str(value))
    names = {**cfg["arch"], **cfg["consts"]}
    if not m or m.group(1) not in names:
        raise SourceError(
            f"{where}: reset {value!r} is neither a number nor an [arch]/[consts] "
            "key (optionally '/ <number>')"
        )
    val = int(names[m.group(1)])
    return val // int(m.group(2)) if m.group(2) else val


def build_model(cfg: dict) -> RegSpec:
    """Check the register, descriptor and header tables of ``cfg`` and resolve reset values."""
    offsets, tables = cfg["regs"], cfg.get("reg_fields")
    if tables is None:
        raise SourceError("[reg_fields] is missing: every register of [regs] needs its fields")
    if set(offsets) != set(tables):
        raise SourceError(
            f"[regs] and [reg_fields] name different registers: only in [regs] "
            f"{sorted(set(offsets) - set(tables))}, only in [reg_fields] "
            f"{sorted(set(tables) - set(offsets))}"
        )
    regs = []
    for rname, off in sorted(offsets.items(), key=lambda kv: kv[1]):
        if off % 4 or not 0 <= off < (1 << int(cfg["arch"]["LITE_ADDR_W"])):
            raise SourceError(
                f"[regs] {rname} = {off:#x}: offsets are 4-byte aligned and inside "
                "the LITE_ADDR_W space"
            )
        fields, used = [], 0
        for i, f in enumerate(tables[rname]):
            where = f"[reg_fields] {rname}[{i}]"
            missing = {"name", "lsb", "width", "access", "reset", "desc"} - set(f)
            if missing:
                raise SourceError(f"{where} lacks {sorted(missing)}")
            if f["access"] not in ACCESS:
                raise SourceError(f"{where}: access {f['access']!r} is not one of {ACCESS}")
            unknown = set(f) - {"name", "lsb", "width", "access", "reset", "desc", "volatile"}
            if unknown:
                raise SourceError(f"{where} has unknown keys {sorted(unknown)}")
            fld = Field(
                rname,
                f["name"],
                int(f["lsb"]),
                int(f["width"]),
                f["access"],
                _resolve_reset(cfg, where, f["reset"]),
                f["desc"],
                bool(f.get("volatile", False)),
            )
            if fld.width < 1 or fld.lsb < 0 or fld.lsb + fld.width > REG_BITS:
                raise SourceError(
                    f"{where}: bits [{fld.lsb + fld.width - 1}:{fld.lsb}] leave the "
                    f"{REG_BITS}-bit register"
                )
            if fld.mask & used:
                raise SourceError(f"{where}: field {fld.name} overlaps another field of {rname}")
            if not 0 <= fld.reset < (1 << fld.width):
                raise SourceError(f"{where}: reset {fld.reset} does not fit {fld.width} bits")
            if fld.access == "WO" and fld.reset:
                raise SourceError(f"{where}: a WO field reads 0, so its reset must be 0")
            used |= fld.mask
            fields.append(fld)
        if len({f.name for f in fields}) != len(fields):
            raise SourceError(f"[reg_fields] {rname}: two fields share a name")
        regs.append(Register(rname, int(off), tuple(sorted(fields, key=lambda f: f.lsb))))
    by_name = {r.name: r for r in regs}
    descriptor = {}
    for dname, ref in cfg.get("descriptor", {}).items():
        rname, _, fname = str(ref).partition(".")
        hit = [f for f in by_name[rname].fields if f.name == fname] if rname in by_name else []
        if not hit:
            raise SourceError(f"[descriptor] {dname} = {ref!r} names no register field")
        if hit[0].access != "RW":
            raise SourceError(f"[descriptor] {dname}: {ref} is {hit[0].access}, must be RW")
        descriptor[dname] = hit[0]
    if not descriptor:
        raise SourceError("[descriptor] is missing or empty")
    h = cfg.get("ho_header", {})
    nbytes, hdr = int(h.get("bytes", 0)), []
    pos = 0
    for f in sorted(h.get("fields", []), key=lambda f: f["lsb"]):
        if f["lsb"] != pos:
            raise SourceError(
                f"[ho_header] field {f['name']} starts at bit {f['lsb']}, "
                f"expected {pos}: the fields must tile the header without gaps"
            )
        hdr.append((f["name"], int(f["lsb"]), int(f["width"]), f["desc"]))
        pos += int(f["width"])
    if not hdr or pos != 8 * nbytes:
        raise SourceError(
            f"[ho_header] fields cover {pos} bits, bytes = {nbytes} needs {8 * nbytes}"
        )
    return RegSpec(tuple(regs), descriptor, nbytes, tuple(hdr))
