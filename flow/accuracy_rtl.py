"""``panacea accuracy --rtl-check LAYER``: one real GEMM of an LLM run, replayed on the RTL.

The model package computes every linear layer of ``panacea accuracy`` with the exact integer
AQS-GEMM in numpy. This check takes one of those GEMMs as the run produces it
(:func:`panacea.llm.accuracy.capture_gemm`: calibrate the scheme on the calibration text, run
the first window of the evaluation text, keep ``LAYER``'s quantized operands and INT32 result),
runs its first ``rows`` rows as one job on ``pnc_top`` through the ``panacea run`` machinery
(:func:`verif.tests.top.job_runner.simulate`) and confirms that the bytes the RTL writes are
the numpy path's result, and that the job passes the testbench's one comparison
(:func:`verif.env.scoreboard.compare`: output bytes, counters, AXI traffic).

The model package imports no simulator, so the option lives here: :func:`add_rtl_check_args`
extends the model's ``accuracy`` parser (``flow.cli``), :func:`main` runs the check.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from panacea.llm import accuracy as acc
from panacea.llm.gguf_model import (
    GgufModelError,
    LlamaWeights,
    MissingPackageError,
    default_model_path,
    load_gguf,
)
from panacea.memimage import Job, decode_output, job_stats
from panacea.requant import add_bias_sat

DEFAULT_RTL_SCHEME: str = acc.RECOMMENDED
DEFAULT_RTL_ROWS: int = 32
SIMS: tuple[str, ...] = ("verilator", "icarus")


class RtlCheckError(ValueError):
    """Bad input for the RTL check (one-line message)."""


@dataclass(frozen=True)
class RtlJob:
    """The job replayed on the RTL and the numpy path's INT32 result for it."""

    job: Job
    y: npt.NDArray[np.int64]


def check_request(weights: LlamaWeights, scheme: str, layer: str, rows: int) -> None:
    """Raise :class:`RtlCheckError` for an unknown scheme or layer or a bad row count (before
    any expensive step)."""
    try:
        acc.check_capture(weights, scheme, layer)
    except acc.AccuracyInputError as exc:
        raise RtlCheckError(str(exc)) from None
    if rows < 1:
        raise RtlCheckError(f"--rtl-rows must be at least 1, got {rows}")


def rtl_job(
    weights: LlamaWeights,
    scheme: str,
    layer: str,
    cal_ids: npt.NDArray[np.int64],
    ev_ids: npt.NDArray[np.int64],
    rows: int = DEFAULT_RTL_ROWS,
    mode: str = "aqs",
    window: int = acc.DEFAULT_WINDOW,
) -> RtlJob:
    """Capture ``layer`` of ``scheme`` as ``panacea accuracy`` computes it and cut its first
    ``rows`` rows (tokens) into one descriptor-sized job."""
    check_request(weights, scheme, layer, rows)
    if len(ev_ids) < rows:
        raise RtlCheckError(
            f"the evaluation text has {len(ev_ids)} tokens, fewer than --rtl-rows {rows}"
        )
    cap = acc.capture_gemm(weights, scheme, layer, cal_ids, ev_ids, window=max(window, rows))
    # A per-row or per-block scheme gives z and r per row: keep those of the rows kept.
    z, r = (v[:rows] if isinstance(v, np.ndarray) else v for v in (cap.z, cap.r))
    return RtlJob(job=replace(cap, x=cap.x[:rows], z=z, r=r).job(mode), y=cap.y[:rows])


def check_on_rtl(rj: RtlJob, sim: str) -> dict[str, Any]:
    """Run ``rj.job`` on the RTL and compare: the output bytes against the numpy path's INT32
    result (saturated to int32 as the INT32 output format writes it) and the testbench's
    comparison of outputs, counters and traffic. Returns the JSON-ready result."""
    from verif.env.predictor import expect
    from verif.env.scoreboard import CYCLE_KIND, compare
    from verif.tests.top.job_runner import simulate

    job = rj.job
    t0 = time.monotonic()
    obs = simulate([job], sim, tag="rtl-check")[0]
    numpy_bytes = add_bias_sat(rj.y, np.zeros(job.N, np.int32)).astype("<i4")
    got = decode_output(job, obs.regions) if obs.regions else None
    bytes_match = got is not None and np.array_equal(got.astype("<i4"), numpy_bytes)
    mismatches, _ = compare(expect(job), obs)
    problems = [str(m) for m in mismatches if m.what != CYCLE_KIND]
    model = job_stats(job)
    return {
        "sim": sim,
        "M": job.M,
        "N": job.N,
        "K": job.K,
        "mode": str(job.mode),
        "b": int(job.b),
        "z": np.asarray(job.z).tolist(),  # one value, or one per row
        "r": np.asarray(job.r).tolist(),
        "output_bytes": int(numpy_bytes.nbytes),
        "bytes_match": bool(bytes_match),
        "differing_outputs": None if got is None else int(np.count_nonzero(got != numpy_bytes)),
        "rtl_cycles": obs.cycles,
        "counters": dict(obs.counters),
        "model_counters": dict(model.counters),
        "problems": problems,
        "pass": bool(bytes_match) and not problems,
        "wall_s": round(time.monotonic() - t0, 1),
    }


def add_rtl_check_args(parser: Any) -> None:
    """The ``--rtl-*`` options of ``panacea accuracy``."""
    parser.add_argument(
        "--rtl-check",
        metavar="LAYER",
        help="instead of the perplexity run, replay LAYER's GEMM (e.g. blk.0.attn_k) of the "
        "first evaluation window on the RTL through `panacea run`'s machinery and check its "
        "bytes against the numpy path (exit 0 match, 1 mismatch, 2 bad input)",
    )
    parser.add_argument(
        "--rtl-scheme",
        default=DEFAULT_RTL_SCHEME,
        help="quantization scheme of the RTL check (default %(default)s)",
    )
    parser.add_argument(
        "--rtl-rows",
        type=int,
        default=DEFAULT_RTL_ROWS,
        help="tokens (GEMM rows) of the RTL check (default %(default)s)",
    )
    parser.add_argument(
        "--rtl-mode",
        choices=("dense", "zero", "aqs"),
        default="aqs",
        help="skip mode of the RTL check (default %(default)s)",
    )
    parser.add_argument(
        "--sim", choices=SIMS, default="verilator", help="simulator (default %(default)s)"
    )


def main(args: Any) -> int:
    """``panacea accuracy --rtl-check LAYER`` from parsed arguments; returns the exit status."""

    def err(msg: str) -> int:
        print(f"panacea accuracy: error: {msg}", file=sys.stderr)
        return 2

    try:
        weights = load_gguf(args.model or default_model_path())
        check_request(weights, args.rtl_scheme, args.rtl_check, args.rtl_rows)
        _, cal_ids, ev_ids = acc.encode_texts(weights, *acc.read_texts(args))
        print(
            f"capturing {args.rtl_check} of scheme {args.rtl_scheme} (calibration "
            f"{len(cal_ids)} tokens, first {args.rtl_rows} evaluation tokens)",
            flush=True,
        )
        rj = rtl_job(
            weights,
            args.rtl_scheme,
            args.rtl_check,
            cal_ids,
            ev_ids,
            rows=args.rtl_rows,
            mode=args.rtl_mode,
            window=args.window,
        )
    except (RtlCheckError, acc.AccuracyInputError, GgufModelError, MissingPackageError) as exc:
        return err(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return err(f"cannot read text ({exc})")
    job = rj.job
    print(
        f"running {args.rtl_check}: M={job.M} N={job.N} K={job.K} b={job.b} z={job.z} "
        f"r={job.r} mode={job.mode} on {args.sim}",
        flush=True,
    )
    res = {"layer": args.rtl_check, "scheme": args.rtl_scheme, **check_on_rtl(rj, args.sim)}
    verdict = "MATCH" if res["pass"] else "MISMATCH"
    print(
        f"{verdict}: {res['output_bytes']} output bytes of {args.rtl_check} from the RTL "
        f"{'equal' if res['bytes_match'] else 'differ from'} the numpy path; "
        f"{res['rtl_cycles']} cycles; {len(res['problems'])} testbench problems"
    )
    for p in res["problems"][:10]:
        print(f"  {p}")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "rtl_check.json"
        path.write_text(json.dumps(res, indent=1) + "\n")
    except OSError as exc:
        return err(f"cannot write output ({exc})")
    print(f"wrote {path}")
    return 0 if res["pass"] else 1


__all__ = [
    "DEFAULT_RTL_ROWS",
    "DEFAULT_RTL_SCHEME",
    "RtlCheckError",
    "RtlJob",
    "add_rtl_check_args",
    "check_on_rtl",
    "check_request",
    "main",
    "rtl_job",
]
