"""Console scripts ``panacea`` and ``panacea-flow``.

``panacea``: the model's subcommands (:func:`panacea.cli.add_commands`: ``analyze``) plus
``run`` (your layers on the RTL, :mod:`flow.run`, imported only when ``run`` is chosen, so
``panacea analyze`` never loads cocotb or the testbench). Options, output and exit status of
``panacea run``: its ``--help`` (0 all pass, 1 a check failed, 2 bad input).

``panacea-flow COMMAND [ARGS]``: the flow behind the Makefile, one module per command
(:data:`FLOW_COMMANDS`); ``panacea-flow COMMAND --help`` shows each command's options.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from panacea import cli as model_cli

from . import configs

FIGURES_DOC: str = """\
Per layer and variant (mode + calibration), figures from the RTL run unless marked model:
- rtl_cycles: CYCLES register; model_cycles: panacea.cycles; lower_limit: roofline (model)
  max(operator_limit, compulsory bytes of the busier AXI data channel / (AXI_DATA_W/8));
  operator_limit: max(SWO_BUSY, DWO_BUSY)/NUM_PEA; limit_term: "operator" or "memory", the term
  that binds; rtl_limit_ratio = rtl_cycles/lower_limit; rtl_operator_ratio =
  rtl_cycles/operator_limit; model_ratio = rtl_cycles/model_cycles; model_within_tol:
  |rtl-model| <= CYCLE_TOL*model + CYCLE_SLACK (arch.toml [cycle], architecture.md section 6)
- compulsory_bytes (model): every compressed operand stream and bias block read once as whole
  AXI beats of the memory image, every output byte written once; axi_bytes: RD_BYTES +
  WR_BYTES; axi_vs_compulsory: axi_bytes / compulsory_bytes
- speedup_vs_dense, speedup_vs_zero: RTL cycles of DENSE (ZERO_SKIP) of the same calibration
  over this variant's RTL cycles (null when that mode was not run)
- util_swo, util_dwo: SWO_BUSY (DWO_BUSY) / (NUM_PEA * CYCLES)
- rd_bytes, wr_bytes: RD_BYTES, WR_BYTES registers; rd_min, wr_min: minimum for the configured
  buffers (every compressed stream byte fetched as often as the loop nest with WBUF_BYTES and
  the job's m-tile must, without beat rounding; the output bytes once); mt: the m-tile the host
  chose (descriptor BLOCK.mt, panacea.cycles.choose_mt; 0 = no activation buffer); rd_once,
  wr_once: each 8-bit operand read once, INT32 output written once; act_rle_saving: 1 -
  activation stream bytes / uncompressed activation bytes (8 bits per element)
- energy_pj: panacea.energy from the RTL counters (+ the model-only WBUF_RD_BYTES,
  WBUF_WR_BYTES, ABUF_RD_BYTES and ABUF_WR_BYTES); energy_breakdown_pj: its parts (mul_ll,
  mul_ho, acc, cs, sram_fifo, sram_wbuf, sram_abuf, dram); energy_by_kind_pj: {dram, sram, compute}
- sqnr_db: SQNR of the dequantized RTL output against the float GEMM (null = inf)
- exact: every output byte equal to expected_output; counters_exact: the exact counters equal
  expected_counters; pass: every check of verif.env.scoreboard.compare but the cycle tolerance
  (status, error code, no hang, output bytes, counters, AXI traffic)
"""

# panacea-flow COMMAND -> (module with main(argv) -> int, one line of help)
FLOW_COMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("flow.sim", "one simulation (make sim)"),
    "regress": ("flow.regress.cli", "testplan tests x seeds x simulators (make regress/nightly)"),
    "cov-report": ("flow.cov_report", "merged coverage and sign-off report (make cov-report)"),
    "bench": ("flow.bench", "RTL performance suite (make bench)"),
    "bench-model": ("flow.bench_model", "reference-model speed (make bench-model)"),
    "lint": ("flow.lint", "Verilator, Verible, ruff, import layering (make lint)"),
    "synth": ("flow.synth", "Yosys synthesis, cells per block (make synth)"),
    "formal": ("flow.formal", "SymbiYosys proofs of formal/*.sby (make formal)"),
    "mutate": ("flow.mutate.cli", "mutation-graded testbench (make mutate)"),
}


def _run(args: argparse.Namespace) -> int:
    if configs.select_or_report(args.config) is None:
        return 2
    from .run import run_main

    return run_main(args)


def add_run(sub: argparse._SubParsersAction) -> None:
    """The ``run`` subcommand (options unchanged since it lived in the model package)."""
    ru = sub.add_parser(
        "run",
        help="run layers on the RTL (cocotb) and check them bit-exactly",
        description="Calibrate the layers of an .npz file (NAME.W N x K, NAME.X "
        "M x K floats) like `panacea analyze`, run each skip mode on "
        "the RTL (one simulator run per layer), check outputs and "
        "counters exactly, and report cycles, limits, speedups, "
        "utilisation, AXI bytes, energy and SQNR. Needs a source "
        "checkout. Exit status: 0 all pass, 1 a check failed, "
        "2 bad input.",
        epilog=FIGURES_DOC,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ru.add_argument("tensors", type=Path, help="input .npz file")
    which = ru.add_mutually_exclusive_group()
    which.add_argument("--layer", metavar="NAME", help="run only this layer")
    which.add_argument("--all", action="store_true", help="run every layer (default)")
    ru.add_argument("--rows", type=int, metavar="M", help="use only the first M rows of X")
    ru.add_argument(
        "--sim",
        choices=("icarus", "verilator"),
        default="verilator",
        help="simulator (default verilator; Icarus is ~100x slower)",
    )
    ru.add_argument(
        "--mode",
        choices=("dense", "zero", "aqs", "all"),
        default="all",
        help="skip mode(s) to run (default all, back to back)",
    )
    configs.add_option(ru)
    model_cli.add_calibration_args(ru)
    ru.set_defaults(func=_run)


def add_accuracy_rtl_check(ac: argparse.ArgumentParser) -> None:
    """``panacea accuracy --rtl-check LAYER`` (:mod:`flow.accuracy_rtl`; the testbench is
    imported only when the check runs: the model's accuracy run needs no simulator)."""
    from flow.accuracy_rtl import add_rtl_check_args
    from flow.accuracy_rtl import main as rtl_check_main

    add_rtl_check_args(ac)
    model_main = ac.get_default("func")

    def accuracy(args: argparse.Namespace) -> int:
        return int(model_main(args) if args.rtl_check is None else rtl_check_main(args))

    ac.set_defaults(func=accuracy)


def build_parser() -> argparse.ArgumentParser:
    """The ``panacea`` parser: the model's subcommands plus ``run``."""
    parser = argparse.ArgumentParser(
        prog="panacea", description="Panacea reference model tools and RTL runs"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    model_cli.add_commands(sub)
    add_run(sub)
    add_accuracy_rtl_check(sub.choices["accuracy"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``panacea`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


def flow_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``panacea-flow COMMAND [ARGS]``: runs ``COMMAND``'s module ``main``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="panacea-flow",
        description="Panacea flow: the commands behind the Makefile",
        epilog="\n".join(f"  {c:<12} {h}" for c, (_, h) in FLOW_COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command",
        choices=list(FLOW_COMMANDS),
        metavar="COMMAND",
        help="one of: " + ", ".join(FLOW_COMMANDS),
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="options of the command")
    ns = parser.parse_args(argv[:1])
    module = importlib.import_module(FLOW_COMMANDS[ns.command][0])
    return int(module.main(argv[1:], prog=f"panacea-flow {ns.command}"))


if __name__ == "__main__":
    sys.exit(main())
