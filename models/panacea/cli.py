"""Command line: ``panacea analyze TENSORS.npz [--lo-bits auto|3|4|5] [--no-zpm] [--no-sbr]
[--json OUT.json] [--plot DIR]`` and ``panacea run TENSORS.npz [--layer NAME|--all] [--rows M]
[--sim icarus|verilator] [--mode dense|zero|aqs|all] [--lo-bits auto|3|4|5] [--no-zpm] [--no-sbr]
[--json OUT.json]`` (the layers on the RTL, :mod:`panacea.run`).
Bad input files give one error line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .analyze import JSON_KEYS_DOC, AnalyzeInputError, analyze_file, format_layer, plot_layer
from .llm.accuracy import add_parser as add_accuracy_parser
from .llm.accuracy import main as accuracy_main
from .run import FIGURES_DOC, run_main


def build_parser() -> argparse.ArgumentParser:
    """The ``panacea`` argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="panacea", description="Panacea reference model tools")
    sub = parser.add_subparsers(dest="command", required=True)
    an = sub.add_parser("analyze", help="per-layer AQS sparsity, cycles, memory and energy",
                        description="Analyze layers stored as NAME.W (N x K) and NAME.X (M x K) "
                                    "float arrays in an .npz file.",
                        epilog=JSON_KEYS_DOC, formatter_class=argparse.RawDescriptionHelpFormatter)
    an.add_argument("tensors", type=Path, help="input .npz file")
    an.add_argument("--lo-bits", choices=("auto", "3", "4", "5"), default="auto",
                    help="activation LO width; auto = DBS picks per layer (default)")
    an.add_argument("--no-zpm", action="store_true", help="switch zero-point manipulation off")
    an.add_argument("--no-sbr", action="store_true", help="plain (non-SBR) weight slices")
    an.add_argument("--json", type=Path, metavar="OUT.json", help="also write the report as JSON")
    an.add_argument("--plot", type=Path, metavar="DIR", help="write HO-slice histograms (PNG)")
    ru = sub.add_parser("run", help="run layers on the RTL (cocotb) and check them bit-exactly",
                        description="Calibrate the layers of an .npz file (NAME.W N x K, NAME.X "
                                    "M x K floats) like `panacea analyze`, run each skip mode on "
                                    "the RTL (one simulator run per layer), check outputs and "
                                    "counters exactly, and report cycles, limits, speedups, "
                                    "utilisation, AXI bytes, energy and SQNR. Needs a source "
                                    "checkout. Exit status: 0 all pass, 1 a check failed, "
                                    "2 bad input.",
                        epilog=FIGURES_DOC, formatter_class=argparse.RawDescriptionHelpFormatter)
    ru.add_argument("tensors", type=Path, help="input .npz file")
    which = ru.add_mutually_exclusive_group()
    which.add_argument("--layer", metavar="NAME", help="run only this layer")
    which.add_argument("--all", action="store_true", help="run every layer (default)")
    ru.add_argument("--rows", type=int, metavar="M", help="use only the first M rows of X")
    ru.add_argument("--sim", choices=("icarus", "verilator"), default="verilator",
                    help="simulator (default verilator; Icarus is ~100x slower)")
    ru.add_argument("--mode", choices=("dense", "zero", "aqs", "all"), default="all",
                    help="skip mode(s) to run (default all, back to back)")
    ru.add_argument("--lo-bits", choices=("auto", "3", "4", "5"), default="auto",
                    help="activation LO width; auto = DBS picks per layer (default)")
    ru.add_argument("--no-zpm", action="store_true", help="switch zero-point manipulation off")
    ru.add_argument("--no-sbr", action="store_true", help="plain (non-SBR) weight slices")
    ru.add_argument("--json", type=Path, metavar="OUT.json", help="also write the report as JSON")
    add_accuracy_parser(sub)
    return parser


def _analyze(args: argparse.Namespace) -> int:
    lo_bits = None if args.lo_bits == "auto" else int(args.lo_bits)
    try:
        layers = analyze_file(args.tensors, lo_bits=lo_bits, zpm=not args.no_zpm,
                              sbr=not args.no_sbr)
    except AnalyzeInputError as exc:
        print(f"panacea analyze: error: {exc}", file=sys.stderr)
        return 2
    print("\n\n".join(format_layer(la.data) for la in layers))
    try:
        if args.json is not None:
            doc = {"file": str(args.tensors), "layers": [la.data for la in layers]}
            args.json.write_text(json.dumps(doc, indent=2) + "\n")
        if args.plot is not None:
            args.plot.mkdir(parents=True, exist_ok=True)
            for la in layers:
                plot_layer(la, args.plot)
    except OSError as exc:
        print(f"panacea analyze: error: cannot write output ({exc})", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``panacea`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "analyze":
        return _analyze(args)
    if args.command == "run":
        return run_main(args)
    if args.command == "accuracy":
        return accuracy_main(args)
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse enforces the choices


if __name__ == "__main__":
    sys.exit(main())
