#!/usr/bin/env python3
"""Generate every file that restates models/panacea/arch.toml.

arch.toml is the one source of the parameters, the register map (offsets and fields), the job
descriptor and the HO stream header. This script writes:

* ``rtl/pnc_pkg.sv``: parameters, register offsets, field positions, access masks and reset
  values, the packed ``desc_t`` and ``ho_hdr_t`` structs, constants and error codes;
* ``models/panacea/regmap.py``: the same register map, descriptor and header for Python;
* ``verif/ral/pnc_reg_block.py``: the pyuvm register model (``uvm_reg_block`` ``PncRegBlock``,
  one ``uvm_reg`` per register, one ``uvm_reg_field`` per field: access policy, reset value);
* the parameter and register tables of ``docs/architecture.md`` (between the markers
  ``<!-- PARAMS:BEGIN/END -->`` and ``<!-- REGS:BEGIN/END -->``).

Usage: gen_params.py [--check]   (--check: exit 1 if any output is out of date)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOML = ROOT / "models" / "panacea" / "arch.toml"
OUT = ROOT / "rtl" / "pnc_pkg.sv"
REGMAP = ROOT / "models" / "panacea" / "regmap.py"
RAL = ROOT / "verif" / "ral" / "pnc_reg_block.py"
DOC = ROOT / "docs" / "architecture.md"
MARKERS = {
    "PARAMS": ("<!-- PARAMS:BEGIN -->", "<!-- PARAMS:END -->"),
    "REGS": ("<!-- REGS:BEGIN -->", "<!-- REGS:END -->"),
}
ACCESS = ("RO", "RW", "W1C", "WO")
REG_BITS = 32


class SourceError(Exception):
    """arch.toml breaks a rule of the register/descriptor/header tables."""


@dataclass(frozen=True)
class Field:
    reg: str
    name: str
    lsb: int
    width: int
    access: str
    reset: int
    desc: str
    volatile: bool

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb


@dataclass(frozen=True)
class Reg:
    name: str
    offset: int
    fields: tuple[Field, ...]

    def mask(self, access: str | None = None) -> int:
        out = 0
        for f in self.fields:
            if access is None or f.access == access:
                out |= f.mask
        return out

    @property
    def reset(self) -> int:
        return sum(f.reset << f.lsb for f in self.fields)

    @property
    def is_counter(self) -> bool:
        return [f.name for f in self.fields] == ["count"]


@dataclass(frozen=True)
class Model:
    cfg: dict
    regs: tuple[Reg, ...]
    descriptor: dict[str, Field]
    hdr_bytes: int
    hdr: tuple[tuple[str, int, int, str], ...]  # (name, lsb, width, desc), lsb order


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


def build_model(cfg: dict) -> Model:
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
        regs.append(Reg(rname, int(off), tuple(sorted(fields, key=lambda f: f.lsb))))
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
    return Model(cfg, tuple(regs), descriptor, nbytes, tuple(hdr))


# ---------------------------------------------------------------- SystemVerilog package


def _sv_hex(v: int, bits: int = REG_BITS) -> str:
    return f"{bits}'h{v:0{bits // 4}X}"


def _sv_type(width: int) -> str:
    return "logic" if width == 1 else f"logic [{width - 1}:0]"


def render(cfg: dict, model: Model | None = None) -> str:
    model = model or build_model(cfg)
    lines = [
        "// Copyright Panacea contributors. SPDX-License-Identifier: Apache-2.0",
        "// GENERATED by scripts/gen_params.py from models/panacea/arch.toml. Do not edit: run",
        "// `make params` after changing arch.toml.",
        "// Waiver: a package of shared constants; not every module uses all of them.",
        "// verilator lint_off UNUSEDPARAM",
        "package pnc_pkg;",
        "",
        "  // ---- architecture parameters [arch]",
    ]
    for k, v in cfg["arch"].items():
        lines.append(f"  localparam int {k} = {v};")
    lines += ["", "  // ---- register byte offsets [regs]"]
    for k, v in cfg["regs"].items():
        lines.append(f"  localparam logic [7:0] REG_{k} = 8'h{v:02X};")
    lines += [
        "",
        "  // ---- register fields [reg_fields]: <REG>_<FIELD>_LSB/_W per field; per register",
        "  // REG_<REG>_RESET and REG_<REG>_<ACCESS>_MASK (the bits of each access type present).",
    ]
    for r in model.regs:
        for f in r.fields:
            base = f"{r.name}_{f.name.upper()}"
            lines.append(f"  localparam int {base}_LSB = {f.lsb};")
            lines.append(f"  localparam int {base}_W = {f.width};")
        lines.append(f"  localparam logic [31:0] REG_{r.name}_RESET = {_sv_hex(r.reset)};")
        for acc in ACCESS:
            if r.mask(acc):
                lines.append(
                    f"  localparam logic [31:0] REG_{r.name}_{acc}_MASK = {_sv_hex(r.mask(acc))};"
                )
    counters = [r for r in model.regs if r.is_counter]
    lines += [
        "",
        "  // ---- performance counters: NUM_COUNTERS registers from REG_COUNTERS_FIRST, 4 bytes"
        " apart",
        f"  localparam int NUM_COUNTERS = {len(counters)};",
        f"  localparam logic [7:0] REG_COUNTERS_FIRST = REG_{counters[0].name};",
        "",
        "  // ---- job descriptor [descriptor]: the descriptor fields, first = most significant.",
        "  // Declare variables through a local alias (`typedef pnc_pkg::desc_t desc_t;`):",
        "  // Icarus 11 aborts on a variable declared as `pnc_pkg::desc_t`, and Yosys cannot parse",
        "  // an import inside a module.",
        "  typedef struct packed {",
    ]
    for dname, f in model.descriptor.items():
        lines.append(f"    {_sv_type(f.width)} {dname.lower()};  // {f.reg}.{f.name}: {f.desc}")
    lines += [
        "  } desc_t;",
        "",
        "  // ---- HO stream header [ho_header]: little-endian, first byte = bits [7:0]",
        f"  localparam int HO_HDR_BYTES = {model.hdr_bytes};",
    ]
    for name, lsb, width, _ in model.hdr:
        lines.append(f"  localparam int HO_HDR_{name.upper()}_LSB = {lsb};")
        lines.append(f"  localparam int HO_HDR_{name.upper()}_W = {width};")
    lines.append("  typedef struct packed {")
    for name, _, width, desc in reversed(model.hdr):
        lines.append(f"    {_sv_type(width)} {name};  // {desc}")
    lines += ["  } ho_hdr_t;", "", "  // ---- constants [consts]"]
    for k, v in cfg["consts"].items():
        width = 32 if v > 255 else 8
        lines.append(f"  localparam logic [{width - 1}:0] {k} = {width}'h{v:0{width // 4}X};")
    lines += ["", "  // ---- error codes [errors]"]
    for k, v in cfg["errors"].items():
        lines.append(f"  localparam logic [7:0] ERR_{k} = 8'd{v};")
    lines += ["", "endpackage : pnc_pkg", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- Python register map

REGMAP_HEAD = '''\
"""Register map, job descriptor and HO stream header layout (docs/architecture.md sec. 3, 5).

GENERATED by scripts/gen_params.py from arch.toml ([regs], [reg_fields], [descriptor],
[ho_header]). Do not edit: run `make params` after changing arch.toml.

Access types: RO (writes ignored), RW, W1C (writing 1 clears, 0 keeps), WO (a write-only pulse;
reads 0). Bits outside every field read 0 and ignore writes.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"register {self.name} has no field {name!r}")


'''

REGMAP_TAIL = '''

def pack_ho_header(**values: int) -> bytes:
    """The HO stream header with the given field values (:data:`HO_HEADER`), little-endian."""
    word = 0
    for name, (lsb, width) in HO_HEADER.items():
        word |= (int(values[name]) & ((1 << width) - 1)) << lsb
    return word.to_bytes(HO_HEADER_BYTES, "little")


def unpack_ho_header(buf: bytes) -> dict[str, int]:
    """Field values of the HO stream header in the first :data:`HO_HEADER_BYTES` of ``buf``."""
    word = int.from_bytes(bytes(buf[:HO_HEADER_BYTES]), "little")
    return {name: (word >> lsb) & ((1 << width) - 1) for name, (lsb, width) in HO_HEADER.items()}
'''


def render_regmap(model: Model) -> str:
    out = [REGMAP_HEAD, "REGISTERS: dict[str, Register] = {"]
    for r in model.regs:
        out.append(f"    {r.name!r}: Register({r.name!r}, {r.offset:#04x}, (")
        for f in r.fields:
            vol = ", volatile=True" if f.volatile else ""
            out.append(
                f"        Field({f.reg!r}, {f.name!r}, {f.lsb}, {f.width}, {f.access!r}, "
                f"{f.reset:#x}, {f.desc!r}{vol}),"
            )
        out.append("    )),")
    out += [
        "}",
        '"""Every register by name, in address order."""',
        "",
        "# Performance counters (one field named `count`; cleared at start, saturating), in "
        "address order.",
        "COUNTERS: tuple[str, ...] = ("
        + "".join(f"{r.name!r}, " for r in model.regs if r.is_counter)
        + ")",
        "",
        "# The job descriptor: field name -> register field, in desc_t order (first = most "
        "significant).",
        "DESCRIPTOR: dict[str, Field] = {",
    ]
    for dname, f in model.descriptor.items():
        out.append(f"    {dname!r}: REGISTERS[{f.reg!r}].field({f.name!r}),")
    out += [
        "}",
        "",
        "# HO stream header: field -> (lsb, width) of a little-endian integer of "
        "HO_HEADER_BYTES bytes.",
        f"HO_HEADER_BYTES: int = {model.hdr_bytes}",
        "HO_HEADER: dict[str, tuple[int, int]] = {",
    ]
    for name, lsb, width, desc in model.hdr:
        out.append(f"    {name!r}: ({lsb}, {width}),  # {desc}")
    out += ["}", REGMAP_TAIL]
    return ruff_format("\n".join(out), REGMAP)


# ---------------------------------------------------------------- pyuvm register model

RAL_HEAD = '''\
"""pyuvm register model of the Panacea AXI4-Lite register file (docs/architecture.md sec. 5).

GENERATED by scripts/gen_params.py from models/panacea/arch.toml ([regs], [reg_fields]). Do not
edit: run `make params` after changing arch.toml.

:class:`PncRegBlock` holds one ``uvm_reg`` per register (attribute = register name) with one
``uvm_reg_field`` per field (attribute = field name): access policy, reset value and volatility
from arch.toml (RO, RW, W1C, and WO for the start pulse, which reads 0). Every register is
mapped "RW" in ``map`` so that writes to read-only registers reach the bus (the standard register
sequences check that the hardware ignores them). The block is locked when built; connect
``map`` with ``map.set_sequencer(sequencer, adapter)``.
"""

from __future__ import annotations

from pyuvm import uvm_endianness_e, uvm_reg, uvm_reg_block, uvm_reg_field, uvm_reg_map

REG_BITS = 32


def _field(
    reg: uvm_reg, name: str, width: int, lsb: int, access: str, volatile: bool, reset: int
) -> uvm_reg_field:
    field = uvm_reg_field(name)
    field.configure(reg, width, lsb, access, volatile, reset, True, False, False)
    return field
'''


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.lower().split("_"))


def render_ral(model: Model) -> str:
    out = [RAL_HEAD]
    for r in model.regs:
        out += [
            "",
            "",
            f"class Reg{_camel(r.name)}(uvm_reg):",
            f'    """{r.name} at offset 0x{r.offset:02X}."""',
            "",
            f'    def __init__(self, name: str = "{r.name}") -> None:',
            "        super().__init__(name, REG_BITS)",
        ]
        for f in r.fields:
            out.append(f"        # {f.desc}")
            out.append(
                f"        self.{f.name} = _field(self, {f.name!r}, {f.width}, {f.lsb}, "
                f"{f.access!r}, {f.volatile}, {f.reset:#x})"
            )
    out += [
        "",
        "",
        "class PncRegBlock(uvm_reg_block):",
        '    """Every register of the AXI4-Lite slave, mapped at ``base_addr`` (4-byte words)."""',
        "",
        '    def __init__(self, name: str = "regmodel", base_addr: int = 0) -> None:',
        "        super().__init__(name)",
        '        self.map = uvm_reg_map("map")',
        "        self.map.configure(self, base_addr, 4, uvm_endianness_e.UVM_LITTLE_ENDIAN, True)",
    ]
    for r in model.regs:
        out += [
            f"        self.{r.name} = Reg{_camel(r.name)}({r.name!r})",
            f"        self.{r.name}.configure(self)",
            f'        self.map.add_reg(self.{r.name}, 0x{r.offset:02X}, "RW")',
        ]
    out += ["        self.lock_model()", ""]
    return ruff_format("\n".join(out), RAL)


def ruff_format(src: str, path: Path) -> str:
    """``src`` as `ruff format` (pyproject.toml settings) writes it."""
    ruff = Path(sys.executable).parent / "ruff"
    res = subprocess.run(
        [str(ruff) if ruff.exists() else "ruff", "format", "--stdin-filename", str(path), "-"],
        input=src,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if res.returncode:
        raise SourceError(f"ruff format failed on the generated {path.name}: {res.stderr.strip()}")
    return res.stdout


# ---------------------------------------------------------------- docs/architecture.md tables


def comments(section: str) -> dict[str, str]:
    """Trailing comments of `KEY = value  # comment` lines (and their continuation lines)."""
    out: dict[str, str] = {}
    cur, last = None, None
    for line in TOML.read_text().splitlines():
        st = line.strip()
        if st.startswith("["):
            cur, last = st.strip("[]"), None
            continue
        if cur != section:
            continue
        m = re.match(r"^([A-Z_0-9]+)\s*=\s*[^#]*#\s*(.*)$", line)
        if m:
            last = m.group(1)
            out[last] = m.group(2).strip()
        elif st.startswith("#") and last and line.startswith(" "):
            out[last] += " " + st.lstrip("# ").strip()
    return out


def _bits(f: Field) -> str:
    return f"[{f.lsb}]" if f.width == 1 else f"[{f.lsb + f.width - 1}:{f.lsb}]"


def regs_table(model: Model) -> str:
    rows = ["| addr | name | access | fields (bits, name, reset, meaning) |", "|---|---|---|---|"]
    for r in model.regs:
        acc = "/".join(a for a in ACCESS if r.mask(a))
        parts = []
        for f in r.fields:
            reset = f"0x{f.reset:X}" if f.reset > 9 else str(f.reset)
            shown = f"{f.access} " if acc != f.access else ""
            parts.append(f"{_bits(f)} {shown}`{f.name}` = {reset}: {f.desc}")
        rows.append(f"| 0x{r.offset:02X} | {r.name} | {acc} | {'; '.join(parts)} |")
    return "\n".join(rows)


def _splice(doc: str, key: str, table: str) -> str:
    begin, end = MARKERS[key]
    if begin not in doc or end not in doc:
        raise SourceError(f"{DOC.relative_to(ROOT)} lacks the {begin} / {end} markers")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{table}\n{end}{tail}"


def render_doc(cfg: dict, doc: str, model: Model | None = None) -> str:
    model = model or build_model(cfg)
    rows = ["| parameter | value | meaning |", "|---|---|---|"]
    notes = comments("arch")
    for k, v in cfg["arch"].items():
        rows.append(f"| `{k}` | {v} | {notes.get(k, '')} |")
    doc = _splice(doc, "PARAMS", "\n".join(rows))
    return _splice(doc, "REGS", regs_table(model))


def outputs(cfg: dict) -> dict[Path, str]:
    """Every generated file's path and text for the configuration ``cfg``."""
    model = build_model(cfg)
    return {
        OUT: render(cfg, model),
        REGMAP: render_regmap(model),
        RAL: render_ral(model),
        DOC: render_doc(cfg, DOC.read_text(), model),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a generated file is stale")
    args = ap.parse_args()
    with TOML.open("rb") as f:
        cfg = tomllib.load(f)
    try:
        gen = outputs(cfg)
    except SourceError as e:
        print(f"error: {TOML.relative_to(ROOT)}: {e}", file=sys.stderr)
        return 1
    if args.check:
        stale = [p for p, text in gen.items() if not p.exists() or p.read_text() != text]
        for p in stale:
            print(
                f"error: {p.relative_to(ROOT)} is out of date with arch.toml; run `make params`",
                file=sys.stderr,
            )
        if stale:
            return 1
        names = ", ".join(str(p.relative_to(ROOT)) for p in gen)
        print(f"params: {names} match arch.toml")
        return 0
    for p, text in gen.items():
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
            print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
