"""Calibration and quantization (SPEC section 3, architecture.md section 1).

Weights: symmetric INT8 per output channel, max-abs, values in [-127, 127].
Activations: asymmetric UINT8 per tensor, ``q = clip(round(x / scale) + z, 0, 255)`` with numpy's
round-half-to-even, and ``x ~ scale * (q - z)``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .errors import check_choice, check_float_array, check_int_range

CALIB_METHODS: tuple[str, ...] = ("minmax", "percentile")


def quantize_weights(
    w_float: npt.NDArray[np.floating],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    """Quantize an (N, K) float weight matrix per output channel (row).

    ``scale[n] = max_k |w[n, k]| / 127`` (1.0 for an all-zero row) and
    ``wq = clip(round(w / scale), -127, 127)``. Returns ``(wq int8 (N, K), scales float64 (N,))``.
    """
    w = check_float_array("w_float", w_float, ndim=2)
    amax = np.max(np.abs(w), axis=1)
    scales = np.where(amax > 0.0, amax / 127.0, 1.0).astype(np.float64)
    wq = np.clip(np.rint(w / scales[:, None]), -127, 127).astype(np.int8)
    return wq, scales


def calibrate_activations(
    x_float: npt.NDArray[np.floating], method: str = "minmax", percentile: float = 99.99
) -> tuple[float, int]:
    """Per-tensor asymmetric UINT8 calibration; returns ``(scale, z)``.

    ``minmax`` uses the tensor's min and max; ``percentile`` clips to the
    ``[100 - percentile, percentile]`` percentiles. The range always includes 0.0 so that zero is
    exactly representable: ``scale = (hi - lo) / 255`` and ``z = clip(round(-lo / scale), 0, 255)``.
    """
    x = check_float_array("x_float", x_float)
    check_choice("method", method, CALIB_METHODS)
    if method == "minmax":
        lo, hi = float(x.min()), float(x.max())
    else:
        if not 50.0 < float(percentile) <= 100.0:
            raise ValueError(f"percentile must be in (50, 100], got {percentile!r}")
        lo, hi = (float(v) for v in np.percentile(x, [100.0 - percentile, percentile]))
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    z = int(np.clip(np.rint(-lo / scale), 0, 255))
    return scale, z


def quantize_activations(
    x_float: npt.NDArray[np.floating], scale: float, z: int
) -> npt.NDArray[np.uint8]:
    """``clip(round(x / scale) + z, 0, 255)`` as uint8 (same shape as ``x_float``)."""
    x = check_float_array("x_float", x_float)
    if not (np.isfinite(scale) and scale > 0.0):
        raise ValueError(f"scale must be a finite float > 0, got {scale!r}")
    check_int_range("z", z, 0, 255)
    return np.clip(np.rint(x / scale) + z, 0, 255).astype(np.uint8)


def dequantize_activations(
    xq: npt.NDArray[np.uint8], scale: float, z: int
) -> npt.NDArray[np.float64]:
    """``scale * (xq - z)`` as float64."""
    return scale * (xq.astype(np.float64) - float(z))


def sqnr_db(ref: npt.NDArray[np.floating], approx: npt.NDArray[np.floating]) -> float:
    """Signal-to-quantization-noise ratio ``10 log10(sum ref^2 / sum (ref - approx)^2)`` in dB.

    Returns ``inf`` when the error is exactly zero (and the signal is not).
    """
    r = check_float_array("ref", ref)
    a = check_float_array("approx", approx)
    if r.shape != a.shape:
        raise ValueError(f"approx must have the shape of ref {r.shape}, got {a.shape}")
    return sqnr_from_sums(float(np.sum(r * r)), float(np.sum((r - a) ** 2)))


def sqnr_from_sums(sig: float, err: float) -> float:
    """:func:`sqnr_db` from its sums ``sig = sum ref^2`` and ``err = sum (ref - approx)^2``."""
    if err == 0.0:
        return float("inf")
    if sig == 0.0:
        return float("-inf")
    return float(10.0 * np.log10(sig / err))


def finite_or_none(v: float) -> float | None:
    """``v``, or None for an infinite SQNR (exact result; JSON has no infinity)."""
    return v if math.isfinite(v) else None


def gemm_sqnr_db(
    x_float: npt.NDArray[np.floating],
    w_float: npt.NDArray[np.floating],
    y_int: npt.NDArray[np.integer],
    x_scale: float,
    w_scales: npt.NDArray[np.floating],
) -> float:
    """SQNR of the dequantized integer GEMM against the float GEMM ``x_float @ w_float.T``.

    ``y_int[m, n] = sum_k wq[n, k] * (xq[m, k] - z)`` is dequantized as
    ``x_scale * w_scales[n] * y_int[m, n]``.
    """
    x = check_float_array("x_float", x_float, ndim=2)
    w = check_float_array("w_float", w_float, ndim=2)
    ref = x @ w.T
    if y_int.shape != ref.shape:
        raise ValueError(f"y_int must have shape {ref.shape}, got {y_int.shape}")
    approx = y_int.astype(np.float64) * (x_scale * np.asarray(w_scales, np.float64))[None, :]
    return sqnr_db(ref, approx)
