"""`make lint`: Verilator -Wall over the whole design (in every named configuration of
arch.toml, panacea.arch), Verible lint + format check, ruff
(check and format), and the package layering (import-linter contracts in pyproject.toml).

Exit status is non-zero if any checker reports anything. Waivers live next to the code they
waive (`// verilator lint_off RULE` with a reason) or, for Verible, in .verible_waivers (the
rules themselves, lowRISC naming included, are in .rules.verible_lint).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from panacea import arch, svpkg

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"
BIN = Path(sys.executable).parent
TOP = "pnc_top"
BANNER_CHARS = set(" ║╔╗╚╝╠╣╦╩╬═─│┐└┘┌▶◀▲▼")
# A unary operator right before a size cast: Yosys (0.70) reads `~24'(x)` as the cast
# `(~24)'(x)`, so `~24'(7)` elaborates to 7 (and `-24'(x)` to an error). Verilator and Icarus
# read it as intended, so only synthesis, mutation and formal would build a different design.
# Parenthesise the cast: `~(24'(x))`.
UNARY_CAST = re.compile(r"(?:[~!]|[=(,?:&|^]\s*[-+])\s*\w+'\(")


def unary_casts(files: Sequence[str]) -> list[str]:
    """``file:line: text`` of every unary operator applied to an unparenthesised size cast."""
    hits = []
    for f in files:
        for i, line in enumerate(Path(f).read_text().splitlines(), 1):
            code = line.split("//", 1)[0]
            if UNARY_CAST.search(code):
                hits.append(f"{Path(f).name}:{i}: {line.strip()}")
    return hits


def rtl_files() -> list[str]:
    pkg = RTL / "pnc_pkg.sv"
    rest = sorted(p for p in RTL.glob("*.sv") if p != pkg)
    return [str(pkg)] + [str(p) for p in rest]


def run(name: str, cmd: list[str]) -> bool:
    print(f"== {name}: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))[:160]}")
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    out = (res.stdout + res.stderr).strip()
    # Verilator prints a report banner on success and lint-imports a box-drawn logo: keep only
    # diagnostics and results.
    lines = [
        ln
        for ln in out.splitlines()
        if not ln.startswith(("- V e r i l a t i o n", "- Verilator:"))
        and not (ln.strip() and set(ln) <= BANNER_CHARS)
    ]
    if lines:
        print("\n".join(lines))
    ok = res.returncode == 0
    print(f"   {'ok' if ok else 'FAILED'}")
    return ok


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    files = rtl_files()
    top_exists = (RTL / f"{TOP}.sv").exists()
    results = []

    def verilator(top: str, srcs: Sequence[str]) -> list[str]:
        flags = ["--lint-only", "-Wall", f"-I{RTL}", "--top-module", top]
        return [str(BIN / "verilator"), *flags, *srcs]

    if top_exists:
        results.append(run("verilator -Wall", verilator(TOP, files)))
        # The other configurations' packages (e.g. 16 PEAs): same sources, other widths.
        for name in arch.names()[1:]:
            pkg = str(svpkg.package(name))
            results.append(
                run(f"verilator -Wall (config {name})", verilator(TOP, [pkg, *files[1:]]))
            )
    else:
        print(f"== verilator: {TOP}.sv not present yet; linting each module on its own")
        for f in files[1:]:
            stem = Path(f).stem
            results.append(run(f"verilator -Wall {stem}", verilator(stem, [files[0], f])))
    results.append(
        run(
            "verible lint",
            [
                str(BIN / "verible-verilog-lint"),
                "--rules_config",
                str(ROOT / ".rules.verible_lint"),
                "--waiver_files",
                str(ROOT / ".verible_waivers"),
                *files,
            ],
        )
    )
    fmt_bad = []
    for f in files[1:]:  # verible-verilog-format --verify takes one file at a time
        res = subprocess.run(
            [
                str(BIN / "verible-verilog-format"),
                "--verify",
                "--inplace=false",
                "--column_limit=100",
                f,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if res.returncode:
            fmt_bad.append(Path(f).name)
    print("== verible format --verify (fix with `make format`)")
    if fmt_bad:
        print("   would reformat: " + ", ".join(fmt_bad))
    print(f"   {'FAILED' if fmt_bad else 'ok'}")
    results.append(not fmt_bad)
    casts = unary_casts(files)
    print("== unary operator on a size cast (Yosys reads `~24'(x)` as `(~24)'(x)`)")
    for h in casts:
        print(f"   {h}  -> write ~(N'(x))")
    print(f"   {'FAILED' if casts else 'ok'}")
    results.append(not casts)
    py = ["models", "verif", "flow", "scripts"]
    results.append(run("ruff", [str(BIN / "ruff"), "check", *py]))
    results.append(
        run(
            "ruff format --check (fix with `make format`)",
            [str(BIN / "ruff"), "format", "--check", *py],
        )
    )
    results.append(
        run(
            "import layering (pyproject.toml [tool.importlinter])",
            [str(BIN / "lint-imports"), "--no-cache"],
        )
    )
    bad = results.count(False)
    print(f"lint: {len(results) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
