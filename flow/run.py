"""``panacea run``: run a user's layers on the RTL (cocotb) and compare with the model.

Host side. For every selected layer of an ``.npz`` file (``NAME.W`` N x K, ``NAME.X`` M x K, the
format of ``panacea analyze``, loaded and validated by :func:`panacea.analyze.load_layers`), the
layer is calibrated exactly as ``panacea analyze`` does it (:func:`panacea.analyze.calibrate_layer`:
per-channel weights, min/max activations, DBS, ZPM, r), one INT32-output job per requested skip
mode is built, and all of them run back to back on ``pnc_top`` in ONE simulator run per layer
(:func:`verif.tests.top.job_runner.simulate`, the cocotb test ``verif.tests.top.tb_run_layer``).
Each job comes back as what the DUT did (:class:`verif.agents.job.Observed`); the host checks it
with the testbench's one comparison (:func:`verif.env.scoreboard.compare` against
:func:`verif.env.predictor.expect`) and derives the figures (``flow.cli.FIGURES_DOC``,
docs/performance.md). The testbench is imported only when a layer is simulated or evaluated.

Needs a source checkout (``rtl/``, ``verif/``): the ``panacea`` command installed editable by
``make venv`` finds it through this file's location.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from panacea.analyze import AnalyzeInputError, calibrate_layer, load_layers
from panacea.config import ARCH, CONFIG_NAME
from panacea.cycles import mode_cycles_from_stats, within_tolerance
from panacea.energy import energy_from_counters
from panacea.memimage import Job, ceil_div, decode_output, job_stats
from panacea.quant import finite_or_none, gemm_sqnr_db
from panacea.slicing import wt_lo_bits
from panacea.zpm import ho_share

ROOT: Path = Path(__file__).resolve().parents[1]
TOPLEVEL: str = "pnc_top"
MODE_ARGS: dict[str, str] = {"dense": "DENSE", "zero": "ZERO_SKIP", "aqs": "AQS"}
JOB_MODE: dict[str, str] = {"DENSE": "dense", "ZERO_SKIP": "zero_skip", "AQS": "aqs"}
STALL_COUNTERS: tuple[str, ...] = ("STALL_MEM", "STALL_DWO", "STALL_OUT")
OUTPUT_KINDS: tuple[str, ...] = ("hang", "output", "element", "bytes")  # compare() kinds


class RunInputError(ValueError):
    """Bad input or options for ``panacea run`` (one-line message, exit status 2)."""


def repo_root() -> Path:
    """The source checkout holding rtl/ and verif/; raise :class:`RunInputError` otherwise."""
    if not (
        (ROOT / "rtl" / f"{TOPLEVEL}.sv").is_file()
        and (ROOT / "verif" / "common" / "runner.py").is_file()
    ):
        raise RunInputError(
            f"panacea run needs the Panacea source checkout (rtl/ and verif/), but the panacea "
            f"package is installed at {Path(__file__).resolve().parent}, outside a checkout; "
            f"clone the repository and run `make venv` there (editable install)"
        )
    return ROOT


# ---------------------------------------------------------------------------------------------
# Variants and jobs


@dataclass(frozen=True)
class Variant:
    """One RTL job of a layer: skip ``mode`` (DENSE, ZERO_SKIP, AQS) under a calibration
    (``lo_bits`` None = DBS, ``zpm``, ``sbr``); ``label`` names it in tables."""

    label: str
    mode: str
    lo_bits: int | None = None
    zpm: bool = True
    sbr: bool = True

    @property
    def calib_key(self) -> tuple[int | None, bool, bool]:
        return (self.lo_bits, self.zpm, self.sbr)


def mode_variants(modes: Sequence[str], lo_bits: int | None, zpm: bool, sbr: bool) -> list[Variant]:
    """The variants of ``panacea run``: each requested mode under one calibration."""
    return [Variant(m, m, lo_bits, zpm, sbr) for m in modes]


@dataclass
class LayerPlan:
    """A layer's float tensors, calibrations and jobs (one per variant)."""

    name: str
    w: npt.NDArray[np.float64]
    x: npt.NDArray[np.float64]
    rows_of: int
    variants: list[Variant]
    jobs: list[Job]
    calib: dict[tuple[int | None, bool, bool], Any] = field(default_factory=dict)


def plan_layer(
    name: str,
    w: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    variants: Sequence[Variant],
    rows: int | None = None,
) -> LayerPlan:
    """Calibrate the layer (once per distinct calibration) and build one job per variant."""
    rows_of = x.shape[0]
    if rows is not None:
        x = x[:rows]
    calib: dict[tuple[int | None, bool, bool], Any] = {}
    jobs = []
    for v in variants:
        if v.calib_key not in calib:
            calib[v.calib_key] = calibrate_layer(w, x, v.lo_bits, v.zpm, v.sbr)
        jobs.append(calib[v.calib_key].job(JOB_MODE[v.mode]))
    return LayerPlan(
        name=name, w=w, x=x, rows_of=rows_of, variants=list(variants), jobs=jobs, calib=calib
    )


# ---------------------------------------------------------------------------------------------
# Evaluation


def traffic_figures(job: Job) -> dict[str, Any]:
    """Model byte figures of a job: minimum for the configured buffers, each operand once, and
    the activation RLE saving (definitions in ``flow.cli.FIGURES_DOC``)."""
    st = job_stats(job)
    m, n, k, b = job.M, job.N, job.K, int(job.b)
    mb, nb = ceil_div(m, int(ARCH.V)), ceil_div(n, int(ARCH.V))
    act_rec = st.act_live.sum(axis=1).astype(np.int64)
    wt_rec = st.wt_live.sum(axis=1).astype(np.int64)
    act_bytes = int((k * b + 8 + act_rec * (9 - b)).sum())
    wt_bytes = int((k * wt_lo_bits(bool(job.sbr)) + 8 + wt_rec * 5).sum())
    bias = 32 * nb if job.bias is not None else 0
    rd_min = st.act_fetch_ngroups * act_bytes + st.wt_fetch_mblocks * wt_bytes + mb * bias
    return {
        "rd_min": rd_min,
        "wr_min": int(st.counters["WR_BYTES"]),
        "rd_once": m * k + n * k,
        "wr_once": m * n * 4,
        "act_stream_bytes": act_bytes,
        "act_raw_bytes": mb * 8 * k,
        "act_rle_saving": 1.0 - act_bytes / (mb * 8 * k),
        "wbuf_fits": bool(st.wbuf_fits),
        "model": mode_cycles_from_stats(st),
        "expected_counters": dict(st.counters),
    }


def check_job(job: Job, obs: Any) -> tuple[list[str], bool, bool]:
    """What the DUT did for ``job`` (``obs``, a :class:`verif.agents.job.Observed`) against the
    testbench's one comparison: the problems (every check but the cycle tolerance), whether the
    output is bit-exact and whether the counters are exact."""
    from verif.env.predictor import expect
    from verif.env.scoreboard import CYCLE_KIND, compare

    mismatches, _ = compare(expect(job), obs)
    problems = [str(m).split(": ", 1)[1] for m in mismatches if m.what != CYCLE_KIND]
    exact = not any(m.what in OUTPUT_KINDS for m in mismatches)
    counters_exact = not obs.timed_out and not any(m.what == "counter" for m in mismatches)
    return problems, exact, counters_exact


def evaluate(plan: LayerPlan, observed: Sequence[Any]) -> dict[str, Any]:
    """Check each job of ``plan`` (what the DUT did: ``observed``, one
    :class:`verif.agents.job.Observed` per job) with the testbench's :func:`compare` and derive
    its figures. ``pass`` counts every check but the cycle tolerance, a figure here
    (``model_within_tol``)."""
    p = int(ARCH.NUM_PEA)
    out: dict[str, Any] = {}
    for v, job, obs in zip(plan.variants, plan.jobs, observed, strict=True):
        cal = plan.calib[v.calib_key]
        tf = traffic_figures(job)
        model = tf.pop("model")
        tf.pop("expected_counters")
        problems, exact, counters_exact = check_job(job, obs)
        c = dict(obs.counters)
        cycles = c.get("CYCLES", 0)
        sqnr = None
        if exact:
            y = decode_output(job, obs.regions).astype(np.int64)
            sqnr = finite_or_none(gemm_sqnr_db(plan.x, plan.w, y, cal.scale, cal.w_scales))
        # a job that read back nothing (a hang before the counters) is costed as modelled
        onchip = ("WBUF_RD_BYTES", "WBUF_WR_BYTES", "ABUF_RD_BYTES", "ABUF_WR_BYTES")
        wbuf = {k: model.counts[k] for k in onchip}
        energy = energy_from_counters(dict(c, **wbuf) if c else model.counts)
        axi = c["RD_BYTES"] + c["WR_BYTES"] if c else model.axi_bytes
        out[v.label] = {
            "mode": v.mode,
            "lo_bits_mode": "auto" if v.lo_bits is None else "fixed",
            "zpm": v.zpm,
            "sbr": v.sbr,
            "b": int(job.b),
            "z": int(job.z),
            "r": int(job.r),
            "mt": int(job.mt),
            "ho_share_r": ho_share(job.x, int(job.b), int(job.r)),
            "rtl_cycles": cycles,
            "model_cycles": model.cycles,
            "lower_limit": model.lower_limit,
            "operator_limit": model.operator_limit,
            "limit_term": model.limit_term,
            "bound": model.bound,
            "rtl_limit_ratio": cycles / model.lower_limit if cycles else None,
            "rtl_operator_ratio": cycles / model.operator_limit if cycles else None,
            "compulsory_bytes": model.compulsory_bytes,
            "axi_bytes": axi,
            "axi_vs_compulsory": axi / model.compulsory_bytes,
            "model_ratio": cycles / model.cycles if cycles else None,
            "model_within_tol": within_tolerance(cycles, model.cycles),
            "util_swo": c.get("SWO_BUSY", 0) / (p * cycles) if cycles else None,
            "util_dwo": c.get("DWO_BUSY", 0) / (p * cycles) if cycles else None,
            "rd_bytes": c.get("RD_BYTES"),
            "wr_bytes": c.get("WR_BYTES"),
            **tf,
            "energy_pj": energy.total_pj,
            "energy_breakdown_pj": energy.breakdown_pj,
            "energy_by_kind_pj": energy.by_kind_pj,
            "sqnr_db": sqnr,
            "counters": c,
            "stalls": {k: c.get(k) for k in STALL_COUNTERS},
            "wall_s": obs.wall_s,
            "dut_cycles": obs.dut_cycles,
            "exact": exact,
            "counters_exact": counters_exact,
            "pass": not problems,
            "problems": problems,
        }
    for v in plan.variants:  # speedups against DENSE / ZERO_SKIP of the same calibration
        d = out[v.label]
        for ref, key in (("DENSE", "speedup_vs_dense"), ("ZERO_SKIP", "speedup_vs_zero")):
            base = next(
                (
                    out[u.label]["rtl_cycles"]
                    for u in plan.variants
                    if u.mode == ref and u.calib_key == v.calib_key
                ),
                None,
            )
            if base is None:  # bench variants: the default calibration's reference run
                base = next(
                    (out[u.label]["rtl_cycles"] for u in plan.variants if u.mode == ref), None
                )
            d[key] = base / d["rtl_cycles"] if base and d["rtl_cycles"] else None
    return out


def run_layer(plan: LayerPlan, sim: str, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Simulate one planned layer and evaluate it; returns its JSON-ready report."""
    n = len(plan.jobs)
    t0 = time.monotonic()

    def progress(obs: Any) -> None:
        i = obs.idx
        log(
            f"  [{plan.name}] {i + 1}/{n} {plan.variants[i].label}: "
            f"{obs.cycles} cycles, {obs.wall_s:.1f} s{' HANG' if obs.timed_out else ''}"
        )

    m, k = plan.x.shape
    log(
        f"layer {plan.name}: M={m} N={plan.w.shape[0]} K={k}: {n} jobs on {sim}, config "
        f"{CONFIG_NAME} ({ARCH.NUM_PEA} PEAs) (one simulator run; the first run of an RTL "
        "version builds it)"
    )
    from verif.tests.top.job_runner import simulate

    recs = simulate(plan.jobs, sim, tag=plan.name.replace("/", "_"), progress=progress)
    wall = time.monotonic() - t0
    modes = evaluate(plan, recs)
    sim_wall = sum(r.wall_s for r in recs)
    dut_cycles = sum(r.dut_cycles for r in recs)
    macs = sum(j.M * j.N * j.K for j in plan.jobs)
    return {
        "name": plan.name,
        "M": m,
        "N": int(plan.w.shape[0]),
        "K": k,
        "rows_of": plan.rows_of,
        "sim": sim,
        "wall_s": wall,
        "jobs_wall_s": sim_wall,
        "dut_cycles": dut_cycles,
        "dut_cycles_per_s": dut_cycles / sim_wall if sim_wall else None,
        "macs_per_s": macs / sim_wall if sim_wall else None,
        "modes": modes,
        "pass": all(d["pass"] for d in modes.values()),
    }


def _f(v: float | None, fmt: str) -> str:
    return "n/a" if v is None else format(v, fmt)


def format_layer_run(rep: dict[str, Any]) -> str:
    """Human-readable table of one layer's RTL run."""
    any_mode = next(iter(rep["modes"].values()))
    lines = [
        f"layer {rep['name']}: M={rep['M']} N={rep['N']} K={rep['K']}  b={any_mode['b']} "
        f"z={any_mode['z']} r={any_mode['r']} (HO share == r "
        f"{100 * any_mode['ho_share_r']:.1f}%)  {rep['sim']}: "
        f"{_f(rep['dut_cycles_per_s'], '.0f')} DUT cycles/s, "
        f"{_f(rep['macs_per_s'], '.3g')} MAC/s",
        f"  {'variant':<12} {'RTL cyc':>8} {'model':>8} {'roof':>8} {'term':>4} {'RTL/roof':>8} "
        f"{'RTL/op':>6} {'xDENSE':>6} {'xZERO':>6} {'SWO%':>5} {'DWO%':>5} {'rd B':>8} "
        f"{'rd/min':>6} {'rd/once':>7} {'wr B':>8} {'wr/min':>6} {'wr/once':>7} {'AXI/cmp':>7} "
        f"{'E uJ':>8} {'DRAM%':>5} {'SRAM%':>5} {'SQNR dB':>7}  check",
    ]
    for label, d in rep["modes"].items():
        rd, wr = d["rd_bytes"] or 0, d["wr_bytes"] or 0
        status = "PASS" if d["pass"] else "FAIL: " + "; ".join(d["problems"])
        kinds = d["energy_by_kind_pj"]
        lines.append(
            f"  {label:<12} {d['rtl_cycles']:>8} {d['model_cycles']:>8} "
            f"{d['lower_limit']:>8.0f} {d['limit_term'][:3]:>4} "
            f"{_f(d['rtl_limit_ratio'], '.2f'):>8} {_f(d['rtl_operator_ratio'], '.2f'):>6} "
            f"{_f(d['speedup_vs_dense'], '.2f'):>6} {_f(d['speedup_vs_zero'], '.2f'):>6} "
            f"{_f(d['util_swo'] and 100 * d['util_swo'], '.0f'):>5} "
            f"{_f(d['util_dwo'] and 100 * d['util_dwo'], '.0f'):>5} "
            f"{rd:>8} {rd / d['rd_min']:>6.2f} {rd / d['rd_once']:>7.2f} "
            f"{wr:>8} {wr / d['wr_min']:>6.2f} {wr / d['wr_once']:>7.2f} "
            f"{d['axi_vs_compulsory']:>7.2f} {d['energy_pj'] / 1e6:>8.3f} "
            f"{100 * kinds['dram'] / d['energy_pj']:>5.0f} "
            f"{100 * kinds['sram'] / d['energy_pj']:>5.0f} {_f(d['sqnr_db'], '.1f'):>7}  {status}"
        )
    return "\n".join(lines)


def select_layers(
    path: Path, layer: str | None, rows: int | None
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """Load and validate the npz file (analyze's loader) and pick the requested layers."""
    try:
        layers = load_layers(path)
    except AnalyzeInputError as exc:
        raise RunInputError(str(exc)) from None
    if layer is not None:
        if layer not in layers:
            raise RunInputError(f"{path}: no layer {layer!r}; layers: {', '.join(layers)}")
        layers = {layer: layers[layer]}
    if rows is not None and rows < 1:
        raise RunInputError(f"--rows must be >= 1, got {rows}")
    return layers


def run_file(
    path: Path,
    layer: str | None,
    rows: int | None,
    sim: str,
    modes: Sequence[str],
    lo_bits: int | None,
    zpm: bool,
    sbr: bool,
    log: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """``panacea run``: every selected layer, every requested mode, one simulator run per
    layer. Raises :class:`RunInputError` for bad input (before any simulation)."""
    repo_root()
    layers = select_layers(path, layer, rows)
    variants = mode_variants(modes, lo_bits, zpm, sbr)
    reports = []
    for i, (name, (w, x)) in enumerate(layers.items()):
        if len(layers) > 1:
            log(f"[{i + 1}/{len(layers)}] calibrating {name}")
        plan = plan_layer(name, w, x, variants, rows)
        rep = run_layer(plan, sim, log)
        log(format_layer_run(rep))
        reports.append(rep)
    return reports


def run_main(args: Any) -> int:
    """CLI body of ``panacea run`` (args from :func:`flow.cli.build_parser`)."""
    modes = list(MODE_ARGS.values()) if args.mode == "all" else [MODE_ARGS[args.mode]]
    lo_bits = None if args.lo_bits == "auto" else int(args.lo_bits)
    if args.layer is None and not args.all:
        args.all = True
    try:
        reports = run_file(
            args.tensors,
            args.layer,
            args.rows,
            args.sim,
            modes,
            lo_bits,
            not args.no_zpm,
            not args.no_sbr,
        )
    except RunInputError as exc:
        print(f"panacea run: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # simulator or build failure: one line, then status 1
        print(f"panacea run: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    ok = all(r["pass"] for r in reports)
    n_jobs = sum(len(r["modes"]) for r in reports)
    print(
        f"{'PASS' if ok else 'FAIL'}: {len(reports)} layer(s), {n_jobs} RTL job(s), outputs "
        f"bit-exact and counters exact: {'all' if ok else 'NOT all'}"
    )
    if args.json is not None:
        try:
            doc = {
                "file": str(args.tensors),
                "sim": args.sim,
                "num_pea": int(ARCH.NUM_PEA),
                "wbuf_bytes": int(ARCH.WBUF_BYTES),
                "layers": reports,
            }
            args.json.write_text(json.dumps(doc, indent=2) + "\n")
        except OSError as exc:
            print(f"panacea run: error: cannot write {args.json} ({exc})", file=sys.stderr)
            return 2
    return 0 if ok else 1
