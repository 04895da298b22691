"""Activation quantization schemes for every linear layer, computed through AQS-GEMM.

Weights are INT8 per-channel symmetric (:func:`panacea.quant.quantize_weights` of the
dequantized GGUF weights). Each scheme turns a layer's float input into UINT8 activations with a
zero point, runs :func:`panacea.aqs.aqs_gemm` in AQS mode (which checks the five-term identity
against the plain integer GEMM on every call, by random projections) and dequantizes the exact
INT32 result ``Y[m, n]`` as ``scale[m] * scale_w[n] * Y[m, n]``.

Schemes (:data:`SCHEMES`):

* ``fp32``: the float model (float32 matmuls).
* ``sym``/``sym-pct``: symmetric INT8 activations, one static scale per tensor (max |x|, or the
  percentile of |x|), ``x_int = clip(round(x / s), -127, 127)``. The zero-skip machine's
  assumption, run on Panacea's UINT8 datapath as ``xq = x_int + 128`` with ``z = 128``: then
  ``Y = sum w (xq - 128) = sum w x_int`` exactly, the same integers a signed INT8 machine sums.
* ``asym``/``asym-pct``: asymmetric UINT8, one static scale and zero point per tensor
  (:func:`panacea.quant.calibrate_activations`, min/max or percentile), b = 4.
* ``asym-zpm``: plus zero-point manipulation at b = 4 (:func:`panacea.zpm.zero_point_manipulation`).
* ``asym-zpm-dbs``/``asym-zpm-dbs-pct``: plus DBS, b per layer by modelled AQS cycles
  (:func:`panacea.zpm.choose_lo_bits`).
* ``row``: per-row (per-token) dynamic asymmetric UINT8 (:mod:`panacea.rowquant`), b = 4,
  ``r[m] = z[m] >> b``.
* ``row-zpm``/``row-zpm-dbs``: plus the per-row ZPM (zero point centred in its HO bin), and DBS
  (b per layer by modelled AQS cycles of the per-row job).
* ``block8-zpm-dbs``: as ``row-zpm-dbs``, but every 8 consecutive rows (one slice-vector block)
  share one scale, z and r.
* ``hybrid-zpm-dbs``: ``block8-zpm-dbs`` on every layer except the FFN down-projection, which is
  quantized per row as in ``row-zpm-dbs``.
* ``mixed-zpm-dbs``: ``asym-zpm-dbs`` on every layer except the FFN down-projection, whose
  input (the SwiGLU product, with outliers three orders of magnitude above its bulk) is
  quantized as in ``row-zpm-dbs``.

Static schemes calibrate on the float model's activations of the calibration text: scale and z
on every calibration row; ZPM and DBS on an evenly spaced subset of ``zpm_rows`` rows, because
their cost grows with the rows (per-row and per-block DBS on the first ``zpm_rows`` consecutive
rows, so that blocks of 8 rows are neighbouring tokens).
``r`` of a static scheme is the most frequent HO slice of the calibrated activations
(:func:`panacea.zpm.choose_r`); the sparsity statistics are measured on the evaluation text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..aqs import AqsResult, WeightPrep, aqs_gemm, as_column, prepare_weights
from ..config import ARCH
from ..cycles import mode_cycles
from ..memimage import Job
from ..quant import calibrate_activations, quantize_activations, quantize_weights
from ..rowquant import (
    R_RULES,
    act_skip_share,
    calibrate_rows,
    center_rows,
    choose_r_rows,
    quantize_rows,
)
from ..slicing import LO_BITS
from ..zpm import ZpmResult, choose_lo_bits, choose_r, zero_point_manipulation
from .gguf_model import F32, LINEAR_NAMES, LlamaWeights

SYM_Z: int = 128
DEFAULT_PERCENTILE: float = 99.99
DEFAULT_ZPM_ROWS: int = 256
DEFAULT_B: int = int(ARCH.DEFAULT_LO_BITS)


@dataclass(frozen=True)
class Scheme:
    """One activation quantization scheme; see the module docstring."""

    name: str
    kind: str  # "fp32", "sym", "asym" or "row"
    label: str
    method: str = "minmax"  # static calibration: "minmax" or "percentile"
    zpm: bool = False
    dbs: bool = False
    row_layers: tuple[str, ...] = ()  # these layers are quantized per row (group 1)
    row_group: int = 1  # "row" schemes: rows sharing one scale, z and r


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme("fp32", "fp32", "FP32"),
        Scheme("sym", "sym", "symmetric INT8, per tensor (z = 128)"),
        Scheme("sym-pct", "sym", "symmetric INT8, per tensor, percentile", method="percentile"),
        Scheme("asym", "asym", "asymmetric UINT8, per tensor, min/max"),
        Scheme("asym-zpm", "asym", "asym + ZPM", zpm=True),
        Scheme("asym-zpm-dbs", "asym", "asym + ZPM + DBS", zpm=True, dbs=True),
        Scheme("asym-pct", "asym", "asym, percentile", method="percentile"),
        Scheme("asym-zpm-pct", "asym", "asym + ZPM, percentile", method="percentile", zpm=True),
        Scheme(
            "asym-zpm-dbs-pct",
            "asym",
            "asym + ZPM + DBS, percentile",
            method="percentile",
            zpm=True,
            dbs=True,
        ),
        Scheme("row", "row", "asymmetric UINT8, per row (token)"),
        Scheme("row-zpm", "row", "per row + ZPM (centred z)", zpm=True),
        Scheme("row-zpm-dbs", "row", "per row + ZPM + DBS", zpm=True, dbs=True),
        Scheme(
            "block8-zpm-dbs",
            "row",
            "per block of 8 rows + ZPM + DBS",
            zpm=True,
            dbs=True,
            row_group=8,
        ),
        Scheme(
            "hybrid-zpm-dbs",
            "row",
            "per block of 8 rows, ffn_down per row, + ZPM + DBS",
            zpm=True,
            dbs=True,
            row_group=8,
            row_layers=("ffn_down",),
        ),
        Scheme(
            "mixed-zpm-dbs",
            "asym",
            "asym + ZPM + DBS, ffn_down per row",
            zpm=True,
            dbs=True,
            row_layers=("ffn_down",),
        ),
    )
}


@dataclass
class LayerQuant:
    """One linear layer under one scheme: quantized weights and the activation calibration
    (static ``scale``/``z``/``r``; ``None`` for per-row schemes, which quantize each batch)."""

    name: str
    kind: str  # "sym", "asym" or "row"
    wq: npt.NDArray[np.int8]
    w_scales: npt.NDArray[np.float64]
    b: int
    group: int = 1  # "row": rows sharing one scale, z and r
    scale: float | None = None
    z: int | None = None
    r: int | None = None
    zpm: ZpmResult | None = None
    dbs_cycles: dict[str, int] | None = None


@dataclass
class LayerStats:
    """Statistics of one layer accumulated over the evaluation batches."""

    sig2: float = 0.0  # sum ref^2 (float GEMM of the layer's actual input)
    err2: float = 0.0  # sum (ref - dequantized integer GEMM)^2
    ho_r: int = 0  # activation HO slices equal to r
    elems: int = 0
    vec: int = 0  # activation HO vectors
    skip_aqs: int = 0  # skippable in AQS (r_eff = r)
    skip_zero: int = 0  # skippable in ZERO_SKIP (r_eff = 0)
    skip_rules: dict[str, float] = field(default_factory=dict)  # per-row r rules, summed
    wt_skip: float = 0.0
    cycles: dict[str, int] = field(default_factory=dict)  # first window: AQS, ZERO_SKIP
    b: int = DEFAULT_B
    z: Any = None
    r: Any = None

    @property
    def sqnr_db(self) -> float:
        """GEMM SQNR in dB (inf when exact)."""
        if self.err2 == 0.0:
            return float("inf")
        return float(10.0 * np.log10(self.sig2 / self.err2))


@dataclass(frozen=True)
class GemmCapture:
    """One GEMM of a run, captured for replay (e.g. on the RTL): the operands and the exact
    INT32 result ``y = (x - z) . w`` that :func:`panacea.aqs.aqs_gemm` returned."""

    name: str
    x: npt.NDArray[np.uint8]
    w: npt.NDArray[np.int8]
    z: int | npt.NDArray[np.int64]
    r: int | npt.NDArray[np.int64]
    b: int
    sbr: bool
    y: npt.NDArray[np.int64]
    x_scale: float | npt.NDArray[np.float64]
    w_scales: npt.NDArray[np.float64]

    def job(self, mode: str = "aqs") -> Job:
        """The captured GEMM as a :class:`panacea.memimage.Job` (INT32 output, no bias)."""
        return Job(x=self.x, w=self.w, z=self.z, r=self.r, b=self.b, sbr=self.sbr, mode=mode)


def _sym_quant(x: F32, scale: float) -> npt.NDArray[np.uint8]:
    return (np.clip(np.rint(x / scale), -127, 127) + SYM_Z).astype(np.uint8)


def _sym_scale(x: npt.NDArray[np.floating], method: str, percentile: float) -> float:
    a = np.abs(x)
    amax = float(a.max()) if method == "minmax" else float(np.percentile(a, percentile))
    return amax / 127.0 if amax > 0 else 1.0


def _row_quant(
    x: F32, b: int, zpm: bool, group: int = 1
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    scale, z = calibrate_rows(x, group)
    if zpm:
        scale, z = center_rows(x, scale, z, b, group)
    return quantize_rows(x, scale, z), z, scale


def _subset(x: F32, rows: int) -> F32:
    if x.shape[0] <= rows:
        return x
    return x[np.linspace(0, x.shape[0] - 1, rows).round().astype(np.int64)]


def _zpm_cached(
    cache: dict[tuple[int, str, int], ZpmResult],
    x: F32,
    xs: F32,
    method: str,
    scale: float,
    z: int,
    b: int,
) -> ZpmResult:
    """ZPM of the subset ``xs`` of layer input ``x``, once per (input, calibration, b)."""
    key = (id(x), method, b)
    if key not in cache:
        cache[key] = zero_point_manipulation(xs, scale, z, b)
    return cache[key]


def calibrate(
    weights: LlamaWeights,
    scheme: Scheme,
    cal_inputs: dict[str, F32],
    wq_cache: dict[str, tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]],
    percentile: float = DEFAULT_PERCENTILE,
    zpm_rows: int = DEFAULT_ZPM_ROWS,
    zpm_cache: dict[tuple[int, str, int], ZpmResult] | None = None,
) -> dict[str, LayerQuant]:
    """Calibrate every linear layer of ``weights`` for ``scheme`` on ``cal_inputs`` (the float
    model's input of each layer on the calibration text). ``zpm_cache`` shares ZPM searches
    between layers with the same input (q/k/v, gate/up) and between schemes."""
    out: dict[str, LayerQuant] = {}
    zc = {} if zpm_cache is None else zpm_cache
    for name in layer_names(weights):
        wq, ws = wq_cache.get(name) or quantize_weights(weights.linear(name))
        wq_cache[name] = (wq, ws)
        x = cal_inputs[name]
        per_row = name.split(".")[-1] in scheme.row_layers
        kind = "row" if per_row else scheme.kind
        lq = LayerQuant(
            name=name,
            kind=kind,
            wq=wq,
            w_scales=ws,
            b=DEFAULT_B,
            group=1 if per_row else scheme.row_group,
        )
        if kind == "sym":
            lq.scale, lq.z = _sym_scale(x, scheme.method, percentile), SYM_Z
            lq.r = choose_r(_sym_quant(_subset(x, zpm_rows), lq.scale), lq.b)
        elif kind == "asym":
            scale, z0 = calibrate_activations(x, scheme.method, percentile)
            xs = _subset(x, zpm_rows)
            lq.scale, lq.z = scale, z0
            if scheme.dbs:
                pre = (
                    {b: _zpm_cached(zc, x, xs, scheme.method, scale, z0, b) for b in LO_BITS}
                    if scheme.zpm
                    else None
                )
                dbs = choose_lo_bits(xs, scale, z0, wq, zpm=scheme.zpm, zpm_results=pre)
                lq.b, lq.zpm = dbs.b, dbs.chosen.zpm
                lq.dbs_cycles = {str(k): c.cycles for k, c in dbs.per_b.items()}
            elif scheme.zpm:
                lq.zpm = _zpm_cached(zc, x, xs, scheme.method, scale, z0, lq.b)
            if lq.zpm is not None:
                lq.z = lq.zpm.z_after
            lq.r = choose_r(quantize_activations(xs, scale, int(lq.z)), lq.b)
        elif scheme.dbs:
            xs = x[:zpm_rows]  # consecutive tokens, as the row groups see them
            cyc = {}
            for b in LO_BITS:
                xq, z, _ = _row_quant(xs, b, scheme.zpm, lq.group)
                cyc[b] = mode_cycles(Job(x=xq, w=wq, z=z, r=z >> b, b=b, mode="aqs")).cycles
            lq.b = min(cyc, key=lambda b: (cyc[b], b != DEFAULT_B, b))
            lq.dbs_cycles = {str(k): v for k, v in cyc.items()}
        out[name] = lq
    return out


def layer_names(weights: LlamaWeights) -> list[str]:
    """``blk.<i>.<name>`` of every linear layer, in forward order."""
    return [f"blk.{i}.{n}" for i in range(weights.config.n_layer) for n in LINEAR_NAMES]


class QuantLinear:
    """The forward pass's linear hook for one scheme: quantize, AQS-GEMM, dequantize, and
    accumulate :class:`LayerStats`. Set ``cycle_rows`` > 0 before a batch to model the cycles
    of its first ``cycle_rows`` rows (one sequence) in AQS and ZERO_SKIP; names in
    ``capture`` keep their first GEMM as a :class:`GemmCapture`."""

    def __init__(
        self, weights: LlamaWeights, scheme: Scheme, cal: dict[str, LayerQuant], rules: bool = True
    ) -> None:
        self.weights, self.scheme, self.cal = weights, scheme, cal
        self.stats: dict[str, LayerStats] = {n: LayerStats() for n in cal}
        self.cycle_rows = 0
        self.rules = rules
        self.capture: set[str] = set()
        self.captured: dict[str, GemmCapture] = {}
        self.preps: dict[str, WeightPrep] = {}  # per layer, built on its first GEMM

    def quantize(self, name: str, x: F32) -> tuple[npt.NDArray[np.uint8], Any, Any, Any]:
        """``(xq, z, r, scale)`` of the layer input under this scheme."""
        lq = self.cal[name]
        kind = lq.kind
        if kind == "sym":
            return _sym_quant(x, float(lq.scale)), SYM_Z, lq.r, lq.scale
        if kind == "asym":
            return quantize_activations(x, float(lq.scale), int(lq.z)), lq.z, lq.r, lq.scale
        xq, z, scale = _row_quant(x, lq.b, self.scheme.zpm, lq.group)
        return xq, z, z >> lq.b, scale

    def __call__(self, name: str, x: F32) -> F32:
        lq = self.cal[name]
        xq, z, r, scale = self.quantize(name, x)
        if name not in self.preps:
            self.preps[name] = prepare_weights(lq.wq, True)
        # Freivalds: every output checked (miss probability <= 2^-42) at O((M + K) N), where
        # comparing with a second full GEMM would double the run's integer work.
        res = aqs_gemm(xq, lq.wq, z, r, lq.b, True, "aqs", self.preps[name], "freivalds")
        sc = np.asarray(scale, np.float64)
        y = res.y * (sc[:, None] if sc.ndim else sc) * lq.w_scales[None, :]
        ref = x @ self.weights.linear(name).T
        self._account(name, lq, xq, res, ref, y)
        if name in self.capture and name not in self.captured:
            self.captured[name] = GemmCapture(
                name=name,
                x=xq,
                w=lq.wq,
                z=z,
                r=r,
                b=lq.b,
                sbr=True,
                y=res.y,
                x_scale=scale,
                w_scales=lq.w_scales,
            )
        return y.astype(np.float32)

    def _account(
        self,
        name: str,
        lq: LayerQuant,
        xq: npt.NDArray[np.uint8],
        res: AqsResult,
        ref: F32,
        y: npt.NDArray[np.float64],
    ) -> None:
        st = self.stats[name]
        st.sig2 += float(np.sum(np.square(ref, dtype=np.float64)))
        st.err2 += float(np.sum(np.square(ref - y)))
        b = lq.b
        xh = xq >> b
        st.ho_r += int(np.count_nonzero(xh == as_column(res.r_eff)))
        st.elems += xh.size
        nvec = res.act_skip.size
        st.vec += nvec
        st.skip_aqs += int(res.act_skip.sum())
        st.skip_zero += round(act_skip_share(xq, b, 0) * nvec)
        st.wt_skip = res.wt_skip_share
        st.b, st.z, st.r = b, res.z, res.r_eff
        if lq.kind == "row" and self.rules:
            for rule in R_RULES:
                r = choose_r_rows(xq, b, rule, res.z)
                st.skip_rules[rule] = st.skip_rules.get(rule, 0) + act_skip_share(xq, b, r) * nvec
        if self.cycle_rows:
            m = min(self.cycle_rows, xq.shape[0])
            zz = res.z[:m] if isinstance(res.z, np.ndarray) else res.z
            rr = res.r_eff[:m] if isinstance(res.r_eff, np.ndarray) else res.r_eff
            for mode in ("aqs", "zero"):
                job = Job(x=xq[:m], w=lq.wq, z=zz, r=rr, b=b, mode=mode)
                mc = mode_cycles(job)
                st.cycles[mc.mode] = mc.cycles
