"""Command line of the model: ``panacea analyze TENSORS.npz [--lo-bits auto|3|4|5] [--no-zpm]
[--no-sbr] [--json OUT.json] [--plot DIR] [--mapper [--budget 1MiB]]``.

:func:`add_commands` adds the model's subcommands to any parser, so the installed ``panacea``
command (:mod:`flow.cli`, which adds ``run``) and ``python -m panacea`` share them. Bad input
files give one error line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .analyze import (
    JSON_KEYS_DOC,
    AnalyzeInputError,
    analyze_file,
    format_layer,
    plot_energy,
    plot_layer,
)
from .llm.accuracy import add_parser as add_accuracy_parser
from .mapper import parse_budget


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the model's subcommands to ``sub``; each sets ``func`` (args -> exit status)."""
    an = sub.add_parser(
        "analyze",
        help="per-layer AQS sparsity, cycles, memory and energy",
        description="Analyze layers stored as NAME.W (N x K) and NAME.X (M x K) "
        "float arrays in an .npz file.",
        epilog=JSON_KEYS_DOC,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    an.add_argument("tensors", type=Path, help="input .npz file")
    add_calibration_args(an)
    an.add_argument(
        "--plot", type=Path, metavar="DIR", help="write HO-slice histograms and energy stacks (PNG)"
    )
    an.add_argument(
        "--mapper", action="store_true",
        help="add the on-chip reuse projection (panacea.mapper: a buffer hierarchy the RTL "
        "has only in part: ABUF m-tiles, no K chunks) after each layer's figures",
    )  # fmt: skip
    an.add_argument(
        "--budget", default="1MiB",
        help="on-chip buffer budget of --mapper (bytes, KiB, MiB; default 1MiB)",
    )  # fmt: skip
    an.set_defaults(func=_analyze)
    add_accuracy_parser(sub)


def add_calibration_args(p: argparse.ArgumentParser) -> None:
    """The calibration and report options every layer command shares (analyze, run)."""
    p.add_argument("--lo-bits", choices=("auto", "3", "4", "5"), default="auto",
                   help="activation LO width; auto = DBS picks per layer (default)")  # fmt: skip
    p.add_argument("--no-zpm", action="store_true", help="switch zero-point manipulation off")
    p.add_argument("--no-sbr", action="store_true", help="plain (non-SBR) weight slices")
    p.add_argument("--json", type=Path, metavar="OUT.json", help="also write the report as JSON")


def build_parser(prog: str = "panacea") -> argparse.ArgumentParser:
    """The model's argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog=prog, description="Panacea reference model tools")
    add_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def _analyze(args: argparse.Namespace) -> int:
    lo_bits = None if args.lo_bits == "auto" else int(args.lo_bits)
    try:
        budget = parse_budget(args.budget) if args.mapper else None
    except ValueError as exc:
        print(f"panacea analyze: error: {exc}", file=sys.stderr)
        return 2
    try:
        layers = analyze_file(
            args.tensors, lo_bits=lo_bits, zpm=not args.no_zpm, sbr=not args.no_sbr,
            mapper_budget=budget,
        )  # fmt: skip
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
                plot_energy(la, args.plot)
    except OSError as exc:
        print(f"panacea analyze: error: cannot write output ({exc})", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m panacea``; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
