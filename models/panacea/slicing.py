"""Operand slicing (architecture.md section 1, table "Slicing").

All functions are elementwise and return int64 arrays of the input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import check_int_range

LO_BITS: tuple[int, ...] = (3, 4, 5)


def _as_int_array(name: str, a: Any, lo: int, hi: int) -> npt.NDArray[np.int64]:
    if not isinstance(a, np.ndarray) or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name} must be an integer numpy array with values in [{lo}, {hi}]")
    if a.size and (int(a.min()) < lo or int(a.max()) > hi):
        raise ValueError(
            f"{name} values must be in [{lo}, {hi}], got [{int(a.min())}, {int(a.max())}]"
        )
    return a.astype(np.int64)


def check_lo_bits(b: Any, name: str = "b") -> int:
    """Validate an activation LO width (3, 4 or 5)."""
    return check_int_range(name, b, LO_BITS[0], LO_BITS[-1])


def r_max(b: int) -> int:
    """Largest legal residual base r for LO width b: ``2^(8-b) - 1``."""
    return (1 << (8 - b)) - 1


def slice_act(
    x: npt.NDArray[np.integer], b: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Split UINT8 activations: ``xh = x >> b`` in [0, 2^(8-b)-1], ``xl = x & (2^b-1)``."""
    b = check_lo_bits(b)
    xi = _as_int_array("x", x, 0, 255)
    return xi >> b, xi & ((1 << b) - 1)


def act_residual(xh: npt.NDArray[np.integer], r: int) -> npt.NDArray[np.int64]:
    """Residual ``xh' = xh - r`` (zero exactly for the frequent HO slice r)."""
    r = check_int_range("r", r, 0, 31)
    return _as_int_array("xh", xh, 0, 31) - r


def slice_wt(
    w: npt.NDArray[np.integer], sbr: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Split INT8 weights: ``wh = w >>> 4``, ``wl = w & 15``; SBR turns ``wh == -1`` into
    ``wh = 0, wl = wl - 16``. Ranges: wh in [-8, 7]; wl in [0, 15] (plain) or [-16, 15] (SBR).
    """
    wi = _as_int_array("w", w, -128, 127)
    wh = wi >> 4
    wl = wi & 15
    if sbr:
        neg1 = wh == -1
        wh = np.where(neg1, 0, wh)
        wl = np.where(neg1, wl - 16, wl)
    return wh, wl


def wt_ho_zero(w: npt.NDArray[np.integer], sbr: bool) -> npt.NDArray[np.bool_]:
    """True where the weight HO slice of :func:`slice_wt` is 0: ``w`` in [0, 15], with SBR
    also [-16, -1] (``wh = -1`` becomes 0). Compares ``w`` in its own dtype (no int64 copy)."""
    if not isinstance(w, np.ndarray) or w.dtype != np.int8:
        _as_int_array("w", w, -128, 127)  # an int8 array holds only legal values
    lo = -16 if sbr else 0
    return (w >= lo) & (w <= 15)


def wt_lo_bits(sbr: bool) -> int:
    """Width of the stored weight LO lane: 5 (SBR, two's complement) or 4 (plain, unsigned)."""
    return 5 if sbr else 4
