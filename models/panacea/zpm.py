"""Calibration-time sparsity boosters: zero-point manipulation (ZPM) and distribution-based
bit-slicing (DBS) (SPEC section 3).

ZPM: with the scale fixed, try every ``z'`` in ``[z - 2^(b-1), z + 2^(b-1)]`` clamped to
[0, 255]; quantize with ``z'``; score the share of activation HO slices equal to
``r = z' >> b``. Candidates whose activation SQNR falls more than ``guard_db`` below that of the
starting ``z`` are rejected. The best share wins; ties go to the smallest ``|z' - z|``, then the
smaller ``z'``. ``z' = z`` is always a candidate, so ZPM never lowers the share it optimises.

DBS: for each b in {3, 4, 5} (ZPM applied per b when enabled) the layer's modelled AQS cycle
count (:mod:`panacea.cycles`, INT32 output, no bias) is the cost; the cheapest b wins, ties going
to ``DEFAULT_LO_BITS`` and then to the smaller b.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .config import ARCH
from .cycles import mode_cycles
from .errors import check_bool, check_float_array, check_int_range
from .memimage import Job
from .quant import quantize_activations, sqnr_from_sums
from .slicing import LO_BITS, check_lo_bits

DEFAULT_GUARD_DB: float = 0.5


def choose_r(xq: npt.NDArray[np.uint8], b: int) -> int:
    """The most frequent activation HO slice ``x >> b`` (the smallest on ties)."""
    b = check_lo_bits(b)
    if not isinstance(xq, np.ndarray) or xq.dtype != np.uint8 or xq.size == 0:
        raise ValueError("xq must be a non-empty uint8 numpy array (values in [0, 255])")
    return int(np.bincount((xq >> b).ravel(), minlength=1 << (8 - b)).argmax())


def ho_share(xq: npt.NDArray[np.uint8], b: int, r: int) -> float:
    """Share of activation HO slices ``x >> b`` equal to ``r``."""
    return float(np.mean((xq >> b) == r))


@dataclass(frozen=True)
class ZpmResult:
    """ZPM outcome: zero point, r = HO(z), HO-slice share and activation quantization error
    (SQNR in dB and MSE) before and after. ``enabled`` False means ZPM was switched off (after ==
    before)."""

    enabled: bool
    b: int
    z_before: int
    z_after: int
    r_before: int
    r: int
    share_before: float
    share_after: float
    sqnr_before_db: float
    sqnr_after_db: float
    mse_before: float
    mse_after: float


def zero_point_manipulation(
    x_float: npt.NDArray[np.floating],
    scale: float,
    z: int,
    b: int,
    guard_db: float = DEFAULT_GUARD_DB,
    enabled: bool = True,
) -> ZpmResult:
    """Search the zero point that maximises the share of HO slices equal to HO(z'); see module
    docstring. ``guard_db`` >= 0 is the largest SQNR loss accepted."""
    x = check_float_array("x_float", x_float)
    z = check_int_range("z", z, 0, 255)
    b = check_lo_bits(b)
    enabled = check_bool("enabled", enabled)
    if not (np.isfinite(guard_db) and guard_db >= 0.0):
        raise ValueError(f"guard_db must be a finite float >= 0, got {guard_db!r}")
    if not (np.isfinite(scale) and scale > 0.0):
        raise ValueError(f"scale must be a finite float > 0, got {scale!r}")
    half = 1 << (b - 1)
    cands = np.arange(max(0, z - half), min(255, z + half) + 1) if enabled else np.array([z])
    xr = x.ravel()
    t = np.rint(xr / scale)
    sig = float(np.sum(xr * xr))
    shares, sqnrs, mses = [], [], []
    for zc in cands:
        q = np.clip(t + zc, 0, 255)
        deq = scale * (q - zc)
        lo = (int(zc) >> b) << b  # q in [lo, lo + 2^b): HO slice q >> b equals r = z' >> b
        shares.append(np.count_nonzero((q >= lo) & (q < lo + (1 << b))) / q.size)
        # sqnr_db(xr, deq) and the MSE from one error sum (the same float operations)
        err = float(np.sum((xr - deq) ** 2))
        sqnrs.append(sqnr_from_sums(sig, err))
        mses.append(err / q.size)
    i0 = int(np.flatnonzero(cands == z)[0])
    ok = np.array(sqnrs) >= sqnrs[i0] - guard_db
    order = sorted(np.flatnonzero(ok), key=lambda i: (-shares[i], abs(int(cands[i]) - z), cands[i]))
    i1 = int(order[0])
    return ZpmResult(
        enabled=enabled,
        b=b,
        z_before=z,
        z_after=int(cands[i1]),
        r_before=z >> b,
        r=int(cands[i1]) >> b,
        share_before=shares[i0],
        share_after=shares[i1],
        sqnr_before_db=sqnrs[i0],
        sqnr_after_db=sqnrs[i1],
        mse_before=mses[i0],
        mse_after=mses[i1],
    )


@dataclass(frozen=True)
class DbsCandidate:
    """One LO width tried by DBS: its ZPM result, chosen r, HO share and modelled AQS cycles."""

    b: int
    zpm: ZpmResult
    r: int
    share: float
    cycles: int


@dataclass(frozen=True)
class DbsResult:
    """DBS outcome: chosen ``b``, and per-b candidates (only the default b when disabled)."""

    enabled: bool
    b: int
    per_b: dict[int, DbsCandidate]

    @property
    def chosen(self) -> DbsCandidate:
        """The candidate of the chosen b."""
        return self.per_b[self.b]

    @property
    def cycles_saved(self) -> int:
        """Modelled AQS cycles saved against the default LO width."""
        default = int(ARCH.DEFAULT_LO_BITS)
        return self.per_b[default].cycles - self.chosen.cycles if default in self.per_b else 0


def choose_lo_bits(
    x_float: npt.NDArray[np.floating],
    scale: float,
    z: int,
    wq: npt.NDArray[np.int8],
    sbr: bool = True,
    zpm: bool = True,
    guard_db: float = DEFAULT_GUARD_DB,
    enabled: bool = True,
    zpm_results: Mapping[int, ZpmResult] | None = None,
) -> DbsResult:
    """Pick the activation LO width b in {3, 4, 5} with the fewest modelled AQS cycles.

    ``x_float`` (M, K) is the layer input, ``(scale, z)`` its calibration, ``wq`` (N, K) its
    quantized weights. For each b: ZPM (if ``zpm``) gives z', ``r = choose_r`` of the quantized
    activations, then :func:`panacea.cycles.mode_cycles` on the AQS job is the cost.
    ``zpm_results`` may hold the ZPM result per b already computed for these ``x_float``,
    ``scale``, ``z``, ``guard_db`` and ``zpm`` (layers that read the same input share them).
    """
    x = check_float_array("x_float", x_float, ndim=2)
    enabled = check_bool("enabled", enabled)
    default = int(ARCH.DEFAULT_LO_BITS)
    per_b: dict[int, DbsCandidate] = {}
    for b in LO_BITS if enabled else (default,):
        if zpm_results is not None and b in zpm_results:
            zr = zpm_results[b]
        else:
            zr = zero_point_manipulation(x, scale, z, b, guard_db, enabled=zpm)
        xq = quantize_activations(x, scale, zr.z_after)
        r = choose_r(xq, b)
        cyc = mode_cycles(Job(x=xq, w=wq, z=zr.z_after, r=r, b=b, sbr=sbr, mode="aqs")).cycles
        per_b[b] = DbsCandidate(b=b, zpm=zr, r=r, share=ho_share(xq, b, r), cycles=cyc)
    best = min(per_b, key=lambda b: (per_b[b].cycles, b != default, b))
    return DbsResult(enabled=enabled, b=best, per_b=per_b)


__all__ = [
    "DEFAULT_GUARD_DB",
    "DbsCandidate",
    "DbsResult",
    "ZpmResult",
    "choose_lo_bits",
    "choose_r",
    "ho_share",
    "zero_point_manipulation",
]
