"""Per-row (per-token) asymmetric activation quantization and the host rules for r per row.

One scale, zero point ``z[m]`` and residual base ``r[m]`` per activation row m (a token of an
LLM): :func:`panacea.aqs.aqs_gemm` then compensates row m with ``(2^b r[m] - z[m]) * colsum``
(SPEC section 2). The formulas are those of :mod:`panacea.quant` applied to each row:

* :func:`calibrate_rows`: ``lo = min(row min, 0)``, ``hi = max(row max, 0)``,
  ``scale = (hi - lo) / 255`` (1.0 if ``hi == lo``), ``z = clip(round(-lo / scale), 0, 255)``.
  With ``group = G`` every G consecutive rows share ``lo``/``hi`` (one scale, z and r per block
  of rows: with G = 8 that is one value per slice-vector block instead of one per lane).
* :func:`center_rows` (per-row ZPM): move each ``z`` to the centre of its HO bin,
  ``z' = (z >> b) * 2^b + 2^(b-1)`` (so ``|z' - z| <= 2^(b-1)``, the ZPM search range), and
  widen the scale just enough that the row's range still fits: ``scale' = max(-lo / z',
  hi / (255 - z'))``. Values within about ``2^(b-1)`` steps of 0 then share the HO slice
  ``z' >> b``; nothing is clipped, and the step grows by at most ``255 / (255 - 2^(b-1))``.
  Unlike the per-tensor search of :mod:`panacea.zpm` this is closed-form, because it runs on
  every token at inference time.
* :func:`quantize_rows`: ``clip(round(x / scale[m]) + z[m], 0, 255)``.

Rules for r (:data:`R_RULES`; a slice vector is 8 rows at one k and is skippable only when all
8 residuals are 0, architecture.md section 2):

* ``zero``: ``r[m] = z[m] >> b``, the HO slice of the zero point (no pass over the data);
* ``mode``: ``r[m]`` = the most frequent HO slice of row m (smallest on ties);
* ``block``: one r per block of 8 rows, the value that makes the most of the block's vectors
  skippable (smallest on ties), shared by its rows;
* ``tensor``: one r for all rows, the most frequent HO slice of the whole matrix (what a
  descriptor with a single r allows).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .aqs import vector_skip_masks
from .config import ARCH
from .errors import check_choice, check_float_array, check_int_array
from .slicing import check_lo_bits

R_RULES: tuple[str, ...] = ("zero", "mode", "block", "tensor")
V: int = int(ARCH.V)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def row_range(x: F64, group: int = 1) -> tuple[F64, F64]:
    """``(lo, hi)`` per row: ``min(min, 0)`` and ``max(max, 0)`` over the row, or over its
    group of ``group`` consecutive rows (rows ``g*group .. g*group+group-1`` share them)."""
    m = x.shape[0]
    if not isinstance(group, int) or group < 1:
        raise ValueError(f"group must be an integer >= 1, got {group!r}")
    lo, hi = x.min(axis=1), x.max(axis=1)
    if group > 1:
        g = -(-m // group)
        pad = g * group - m
        lo = np.repeat(np.pad(lo, (0, pad), mode="edge").reshape(g, group).min(axis=1), group)[:m]
        hi = np.repeat(np.pad(hi, (0, pad), mode="edge").reshape(g, group).max(axis=1), group)[:m]
    return np.minimum(lo, 0.0), np.maximum(hi, 0.0)


def calibrate_rows(x_float: npt.NDArray[np.floating], group: int = 1) -> tuple[F64, I64]:
    """Per-row min/max asymmetric UINT8 calibration of (M, K) floats: ``(scales, z)``; with
    ``group`` > 1 each group of consecutive rows shares one range (per-block quantization)."""
    x = check_float_array("x_float", x_float, ndim=2)
    lo, hi = row_range(x, group)
    scale = np.where(hi > lo, (hi - lo) / 255.0, 1.0)
    z = np.clip(np.rint(-lo / scale), 0, 255).astype(np.int64)
    return scale, z


def center_rows(
    x_float: npt.NDArray[np.floating], scale: F64, z: I64, b: int, group: int = 1
) -> tuple[F64, I64]:
    """Per-row ZPM: every ``z`` to the centre of its HO bin, scale widened so that nothing
    clips (see the module docstring; ``group`` as in :func:`calibrate_rows`). Returns
    ``(scales, z)``."""
    x = check_float_array("x_float", x_float, ndim=2)
    b = check_lo_bits(b)
    lo, hi = row_range(x, group)
    zc = ((np.asarray(z, np.int64) >> b) << b) + (1 << (b - 1))
    new = np.maximum(-lo / zc, hi / (255 - zc))
    return np.where(hi > lo, new, np.asarray(scale, np.float64)), zc


def quantize_rows(x_float: npt.NDArray[np.floating], scale: F64, z: I64) -> npt.NDArray[np.uint8]:
    """``clip(round(x[m] / scale[m]) + z[m], 0, 255)`` as uint8 (M, K)."""
    x = check_float_array("x_float", x_float, ndim=2)
    s = np.asarray(scale, np.float64)
    if s.shape != (x.shape[0],) or not np.all(np.isfinite(s) & (s > 0)):
        raise ValueError(f"scale must hold {x.shape[0]} finite values > 0")
    zz = np.asarray(z, np.int64)
    return np.clip(np.rint(x / s[:, None]) + zz[:, None], 0, 255).astype(np.uint8)


def _row_bincount(v: I64, nbins: int) -> I64:
    """Per-row histogram (M, nbins) of values in [0, nbins)."""
    m = v.shape[0]
    idx = (v + nbins * np.arange(m, dtype=np.int64)[:, None]).ravel()
    return np.bincount(idx, minlength=m * nbins).reshape(m, nbins)


def block_common(xh: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """For blocks of 8 rows at each k: the HO value all real lanes share, and whether they
    do. Returns ``(value (MB, K), equal (MB, K))``; rows beyond M are wildcards."""
    m, k = xh.shape
    mb = -(-m // V)
    pad = np.full((mb * V, k), -1, np.int64)
    pad[:m] = xh
    blk = pad.reshape(mb, V, k)
    val = blk.max(axis=1)
    return val, np.all((blk == val[:, None, :]) | (blk < 0), axis=1)


def choose_r_rows(
    xq: npt.NDArray[np.uint8], b: int, rule: str, z: npt.NDArray[np.integer] | None = None
) -> I64:
    """One r per row of ``xq`` (M, K) by ``rule`` (:data:`R_RULES`); ``zero`` needs ``z``."""
    check_int_array("xq", xq, 2, 0, 255, (np.uint8,))
    b = check_lo_bits(b)
    check_choice("rule", rule, R_RULES)
    m = xq.shape[0]
    nbins = 1 << (8 - b)
    xh = xq.astype(np.int64) >> b
    if rule == "zero":
        if z is None:
            raise ValueError("rule 'zero' needs the per-row zero points z")
        return np.asarray(z, np.int64) >> b
    if rule == "mode":
        return _row_bincount(xh, nbins).argmax(axis=1).astype(np.int64)
    if rule == "tensor":
        return np.full(m, int(np.bincount(xh.ravel(), minlength=nbins).argmax()), np.int64)
    val, eq = block_common(xh)
    counts = _row_bincount(np.where(eq, val, nbins), nbins + 1)[:, :nbins]
    return np.repeat(counts.argmax(axis=1).astype(np.int64), V)[:m]


def act_skip_share(xq: npt.NDArray[np.uint8], b: int, r: int | npt.NDArray[np.integer]) -> float:
    """Share of activation HO vectors (8 rows at one k) whose residuals ``xh - r`` are all 0;
    ``r`` is one value or one per row. Rows beyond M count as 0 (architecture.md 2)."""
    b = check_lo_bits(b)
    rr = np.asarray(r, np.int64)
    res = (xq.astype(np.int64) >> b) - (rr[:, None] if rr.ndim else rr)
    return float(vector_skip_masks(res, np.zeros((1, res.shape[1]), np.int64))[0].mean())


__all__ = [
    "R_RULES",
    "act_skip_share",
    "block_common",
    "calibrate_rows",
    "center_rows",
    "choose_r_rows",
    "quantize_rows",
    "row_range",
]
