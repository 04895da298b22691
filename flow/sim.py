"""`make sim`: run one top-level simulation through the cocotb runner and print a summary.

    make sim [SIM=icarus|verilator] [TEST=name] [SEED=n] [WAVES=1] [MODULE=python.module]
             [CONFIG=default|paper]

Other benches (repro lines of unit benches and regressions): --toplevel NAME --rtl a,b,c.

The build is made once per simulator, named configuration (arch.toml [config.NAME], --config or
$PANACEA_CONFIG) and parameter set (build/sim/...) and reused. On failure the exact
command that reproduces the run is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from flow import configs
from flow.regress import config as regress_config
from verif.common.runner import CocotbTestFailed, all_rtl, repro_command, run_cocotb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODULE = "verif.tests.uvm.tb_pnc_uvm"
DEFAULT_TEST = "SmokeOneJobPerOutputFormat"  # `make sim` alone: short, on any simulator
TOPLEVEL = "pnc_top"


def summarize(results: Path) -> None:
    for case in ET.parse(results).getroot().iter("testcase"):
        status = (
            "FAIL"
            if case.find("failure") is not None or case.find("error") is not None
            else ("SKIP" if case.find("skipped") is not None else "PASS")
        )
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        sim_ns = float(props.get("sim_time_duration", 0) or 0)
        print(
            f"  {status}  {case.get('name')}  sim_time={sim_ns:.0f} ns"
            f"  wall={float(case.get('time', 0)):.2f} s"
        )


def echo_log(log: Path, errors: bool) -> None:
    """Echo the test's SUMMARY lines (and, after a failure, its first ERROR lines)."""
    if not log.exists():
        return
    lines = log.read_text(errors="replace").splitlines()
    for line in (ln for ln in lines if "SUMMARY" in ln):
        print("  " + line.split("SUMMARY", 1)[1].strip(" :"))
    if errors:
        errs = [ln for ln in lines if " ERROR " in ln]
        for line in errs[:5]:
            print("  ERROR " + line.split("]:", 1)[-1].strip())
        if len(errs) > 5:
            print(f"  ... {len(errs) - 5} more ERROR lines in the log")


def expected_to_fail(test: str | None) -> bool:
    """True for a negative test of the regression config (expect = "fail")."""
    spec = regress_config.load().tests.get(test or "")
    return spec is not None and spec.expect == "fail"


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--sim", default="icarus", choices=["icarus", "verilator"])
    ap.add_argument("--test", default=None, help="cocotb test name (default: all in the module)")
    ap.add_argument("--module", default=None, help=f"cocotb test module (default {DEFAULT_MODULE})")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--waves", action="store_true", help="dump FST waveforms")
    ap.add_argument("--toplevel", default=TOPLEVEL, help=f"HDL top level (default {TOPLEVEL})")
    ap.add_argument("--rtl", default=None, help="comma-separated RTL modules (default: all)")
    ap.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="top-level parameter (unit benches), repeatable",
    )
    configs.add_option(ap)
    args = ap.parse_args(argv)
    config = configs.select_or_report(args.config)
    if config is None:
        return 2
    if args.module is None:
        args.module = DEFAULT_MODULE
        if args.test is None:
            args.test = DEFAULT_TEST
    if not (ROOT / "rtl" / f"{args.toplevel}.sv").exists():
        print(f"error: rtl/{args.toplevel}.sv does not exist yet", file=sys.stderr)
        return 2
    params = dict(p.split("=", 1) for p in args.param if "=" in p)
    if len(params) != len(args.param):
        print(f"error: --param takes NAME=VALUE, got {args.param}", file=sys.stderr)
        return 2
    rtl = args.rtl.split(",") if args.rtl else all_rtl()
    repro = repro_command(args.module, args.test, args.sim, args.seed, args.toplevel, rtl, params)
    t0 = time.time()
    print(
        f"sim: {args.sim}  config: {config}  module: {args.module}  "
        f"test: {args.test or 'all'}  seed: {args.seed}"
    )
    try:
        results = run_cocotb(
            args.sim,
            args.toplevel,
            rtl,
            args.module,
            testcase=args.test,
            seed=args.seed,
            waves=args.waves,
            parameters=params,
        )
    except CocotbTestFailed as exc:
        if exc.log is not None:
            echo_log(exc.log, errors=True)
        print(f"FAILED: {exc}")
        if expected_to_fail(args.test):
            print(
                f'note: {args.test} is a negative test (expect = "fail" in '
                "verif/regress.toml): it corrupts the prediction on purpose and must fail; "
                "the regression counts this failure as a pass"
            )
        return 1
    except Exception as exc:  # build errors, missing simulator: one clear line, no traceback
        print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"rerun: {repro}", file=sys.stderr)
        return 2
    summarize(results)
    echo_log(results.parent / "sim.log", errors=False)
    print(f"PASSED in {time.time() - t0:.1f} s (results: {results}); rerun: {repro}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
