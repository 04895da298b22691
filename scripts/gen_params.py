#!/usr/bin/env python3
"""Generate every file that restates models/panacea/arch.toml.

arch.toml is the one source of the parameters, the register map (offsets and fields), the job
descriptor and the HO stream header. :mod:`panacea.regspec` checks the register, descriptor and
header tables (the Python side, :mod:`panacea.regmap` and the pyuvm register model, builds its
objects from the same reading at import). This script writes:

* ``rtl/pnc_pkg.sv``: the package of the default configuration (:func:`panacea.svpkg.render`:
  parameters, register offsets, field positions, the register file: constant registers' values,
  action-bit masks and the RW registers and the descriptor's place in them as tables; the packed
  ``desc_t`` and ``ho_hdr_t`` structs, constants and error codes). The other configurations'
  packages are build products (:func:`panacea.svpkg.package`, under ``build/config/NAME/``);
* the parameter table (one value column per configuration) and the register table of
  ``docs/architecture.md`` (between the markers ``<!-- PARAMS:BEGIN/END -->`` and
  ``<!-- REGS:BEGIN/END -->``).

Usage: gen_params.py [--check]   (--check: exit 1 if any output is out of date)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from panacea import arch
from panacea.regspec import ACCESS, Field, RegSpec, SourceError, build_model
from panacea.svpkg import render

ROOT = Path(__file__).resolve().parent.parent
TOML = ROOT / "models" / "panacea" / "arch.toml"
OUT = ROOT / "rtl" / "pnc_pkg.sv"
DOC = ROOT / "docs" / "architecture.md"
MARKERS = {
    "PARAMS": ("<!-- PARAMS:BEGIN -->", "<!-- PARAMS:END -->"),
    "REGS": ("<!-- REGS:BEGIN -->", "<!-- REGS:END -->"),
}


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


def regs_table(model: RegSpec) -> str:
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


def render_doc(raw: dict, doc: str, model: RegSpec | None = None) -> str:
    """``doc`` with the parameter table (a column per configuration) and the register table (of
    the default configuration) of ``raw`` (arch.toml as loaded, no configuration applied)."""
    model = model or build_model(raw)
    names = arch.names(raw)
    cfgs = [arch.resolve(raw, n)["arch"] for n in names]
    rows = [
        "| parameter | " + " | ".join(f"`{n}`" for n in names) + " | meaning |",
        "|---|" + "---|" * len(names) + "---|",
    ]
    notes = comments("arch")
    for k in raw["arch"]:
        vals = " | ".join(str(c[k]) for c in cfgs)
        rows.append(f"| `{k}` | {vals} | {notes.get(k, '')} |")
    doc = _splice(doc, "PARAMS", "\n".join(rows))
    return _splice(doc, "REGS", regs_table(model))


def outputs(raw: dict) -> dict[Path, str]:
    """Every generated file's path and text for ``raw`` (arch.toml as loaded)."""
    cfg = arch.resolve(raw, arch.DEFAULT)
    out = {OUT: render(cfg, build_model(cfg))}
    out[DOC] = render_doc(raw, DOC.read_text())
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if a generated file is stale")
    args = ap.parse_args()
    raw = arch.load_raw(TOML)
    try:
        gen = outputs(raw)
    except (SourceError, arch.ConfigError) as e:
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
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
            print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
