"""Post-processing: bias with saturation and requantization to UINT8 (architecture.md
section 1, steps 2 and 4). Each rounding and saturation point is defined here once.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .errors import check_int_array, check_int_range

INT32_MIN: int = -(2**31)
INT32_MAX: int = 2**31 - 1
MULT_MAX: int = 2**31 - 1
SHIFT_MIN: int = 1
SHIFT_MAX: int = 62


def add_bias_sat(
    acc: npt.NDArray[np.integer], bias: npt.NDArray[np.integer]
) -> npt.NDArray[np.int32]:
    """``sat32(acc + bias[n])``: add a per-column int32 bias, saturating to [-2^31, 2^31-1].

    ``acc`` is (M, N) with values in the int32 range, ``bias`` is (N,) int32.
    """
    check_int_array("acc", acc, 2, INT32_MIN, INT32_MAX)
    check_int_array("bias", bias, 1, INT32_MIN, INT32_MAX)
    if bias.shape[0] != acc.shape[1]:
        raise ValueError(f"bias must have N = {acc.shape[1]} entries, got {bias.shape[0]}")
    s = acc.astype(np.int64) + bias.astype(np.int64)[None, :]
    return np.clip(s, INT32_MIN, INT32_MAX).astype(np.int32)


def requantize(s: npt.NDArray[np.integer], mult: int, shift: int, zo: int) -> npt.NDArray[np.uint8]:
    """``clamp(((s * mult) + 2^(shift-1)) >>> shift + zo, 0, 255)`` as uint8.

    ``s`` int32 values (any shape), ``mult`` in [1, 2^31-1], ``shift`` in [1, 62], ``zo`` in
    [0, 255]. The product is exact in 64 bits; ``>>>`` is an arithmetic shift, so the rounding
    is half up (towards +inf).
    """
    if not isinstance(s, np.ndarray) or not np.issubdtype(s.dtype, np.integer):
        raise ValueError("s must be an integer numpy array with values in the int32 range")
    if s.size and (int(s.min()) < INT32_MIN or int(s.max()) > INT32_MAX):
        raise ValueError(f"s values must be in [{INT32_MIN}, {INT32_MAX}]")
    mult = check_int_range("mult", mult, 1, MULT_MAX)
    shift = check_int_range("shift", shift, SHIFT_MIN, SHIFT_MAX)
    zo = check_int_range("zo", zo, 0, 255)
    p = s.astype(np.int64) * np.int64(mult)
    q = (p + (np.int64(1) << np.int64(shift - 1))) >> np.int64(shift)
    return np.clip(q + zo, 0, 255).astype(np.uint8)


def quantize_multiplier(scale: float) -> tuple[int, int]:
    """Fixed-point ``(mult, shift)`` with ``mult / 2^shift ~ scale``, ``mult`` in [2^30, 2^31-1].

    ``scale`` must be finite and in [2^-32, 2^30) so that ``shift`` lands in [1, 62].
    The relative error is below 2^-31.
    """
    if not (
        isinstance(scale, (float, int)) and math.isfinite(scale) and 2.0**-32 <= scale < 2.0**30
    ):
        raise ValueError(f"scale must be a finite float in [2^-32, 2^30), got {scale!r}")
    frac, exp = math.frexp(float(scale))  # scale = frac * 2^exp, frac in [0.5, 1)
    mult = round(frac * 2**31)
    if mult == 2**31:  # frac rounded up to 1.0
        if exp == 30:  # renormalising would give shift 0: saturate the multiplier instead
            mult = MULT_MAX
        else:
            mult, exp = 2**30, exp + 1
    return int(mult), 31 - exp
