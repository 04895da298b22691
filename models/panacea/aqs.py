"""AQS-GEMM: the exact five-term bit-slice decomposition (architecture.md sections 1 and 2).

``aqs_gemm`` computes the four slice GEMMs HH, HL, LH, LL and the compensation term, sums them
with their power-of-two weights and *raises* :class:`~panacea.errors.DecompositionError` unless
the sum equals the plain integer GEMM ``(xq - z) @ wq.T`` exactly.

Per-row (per-token) activation quantization: ``z`` and ``r`` may each be a 1-D array of M
values, one per row m, and then the compensation of row m is ``(2^b r_eff[m] - z[m]) * colsum``
(SPEC section 2) and the residuals of row m are ``xh - r_eff[m]``. A scalar means one value for
the whole job, as the hardware descriptor holds it.

Speed: the slice GEMMs run as one BLAS matmul ``[xh'; xl] @ [wh; wl].T`` and the check as one
more. Both use floating point only where it is provably exact: every operand is an integer and
every partial sum is bounded by ``K * max|a| * max|b|``; float32 is used when that bound is below
2^24, float64 when below 2^53, exact int64 matmul otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import ARCH, CONSTS
from .errors import DecompositionError, check_bool, check_int_array, check_int_range
from .slicing import check_lo_bits, r_max, slice_act, slice_wt

MODE_NAMES: dict[int, str] = {
    int(CONSTS.SKIP_DENSE): "DENSE",
    int(CONSTS.SKIP_ZERO): "ZERO_SKIP",
    int(CONSTS.SKIP_AQS): "AQS",
}
_MODE_ALIASES: dict[str, int] = {
    "dense": int(CONSTS.SKIP_DENSE),
    "zero": int(CONSTS.SKIP_ZERO),
    "zero_skip": int(CONSTS.SKIP_ZERO),
    "aqs": int(CONSTS.SKIP_AQS),
}


def parse_mode(mode: Any) -> int:
    """Skip mode as its register code: "dense"/0, "zero"|"zero_skip"/1, "aqs"/2 (any case)."""
    if isinstance(mode, str) and mode.lower() in _MODE_ALIASES:
        return _MODE_ALIASES[mode.lower()]
    is_int = isinstance(mode, (int, np.integer)) and not isinstance(mode, bool)
    if is_int and int(mode) in MODE_NAMES:
        return int(mode)
    raise ValueError(
        f"mode must be one of 'dense', 'zero', 'aqs' or {sorted(MODE_NAMES)}, got {mode!r}"
    )


RowParam = int | npt.NDArray[np.int64]


def is_per_row(z: Any, r: Any) -> bool:
    """True when z or r is given per row (an array) rather than once per job."""
    return isinstance(z, np.ndarray) or isinstance(r, np.ndarray)


def effective_r(mode: int, r: RowParam) -> RowParam:
    """``r_eff``: r in AQS, 0 in DENSE and ZERO_SKIP (per row when r is an array)."""
    if mode == int(CONSTS.SKIP_AQS):
        return r
    return np.zeros_like(r) if isinstance(r, np.ndarray) else 0


def check_row_param(name: str, value: Any, m: int, lo: int, hi: int) -> RowParam:
    """An int in [lo, hi] (one value per job), or a 1-D integer array of ``m`` such values
    (one per row, returned as int64)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        check_int_array(name, value, 1, lo, hi)
        if value.shape[0] != m:
            raise ValueError(
                f"{name} must be one integer or one per row (M = {m}), got shape {value.shape}"
            )
        return value.astype(np.int64)
    return check_int_range(name, value, lo, hi)


def as_column(v: RowParam) -> int | npt.NDArray[np.int64]:
    """A per-row array as an (M, 1) column (broadcasts over K or N); a scalar unchanged."""
    return v[:, None] if isinstance(v, np.ndarray) else v


def exact_matmul(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Exact integer ``a @ b.T`` for int64 matrices, through BLAS when that is provably exact."""
    k = a.shape[1]
    amax = int(np.abs(a).max()) if a.size else 0
    bmax = int(np.abs(b).max()) if b.size else 0
    bound = k * amax * bmax
    if bound < 2**24:
        dt: type = np.float32
    elif bound < 2**53:
        dt = np.float64
    else:
        return a @ b.T
    return (a.astype(dt) @ b.astype(dt).T).astype(np.int64)


def vector_skip_masks(
    xr: npt.NDArray[np.int64], wh: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Skippable HO vectors: activation ``(MB, K)`` (all 8 residuals zero) and weight
    ``(NB, K)`` (all 8 ``wh`` zero). Padding lanes (rows >= M, channels >= N) count as zero.
    """
    v = int(ARCH.V)
    (m, k), n = xr.shape, wh.shape[0]
    mb, nb = -(-m // v), -(-n // v)
    xpad = np.zeros((mb * v, k), np.int64)
    xpad[:m] = xr
    wpad = np.zeros((nb * v, k), np.int64)
    wpad[:n] = wh
    act = ~np.any(xpad.reshape(mb, v, k) != 0, axis=1)
    wt = ~np.any(wpad.reshape(nb, v, k) != 0, axis=1)
    return act, wt


@dataclass(frozen=True)
class AqsResult:
    """The five AQS-GEMM terms (raw sums, int64, M x N) and their weighted sum ``y``.

    ``y = 2^(b+4) hh + 2^4 hl + 2^b lh + ll + comp`` with
    ``comp = (2^b r_eff - z) * colsum`` broadcast over rows (row m uses ``z[m]``/``r_eff[m]``
    when they are per-row arrays). ``act_skip`` (MB, K) and ``wt_skip`` (NB, K) mark
    skippable HO slice vectors (tile-row blocks of 8 at each k).
    """

    hh: npt.NDArray[np.int64]
    hl: npt.NDArray[np.int64]
    lh: npt.NDArray[np.int64]
    ll: npt.NDArray[np.int64]
    comp: npt.NDArray[np.int64]
    y: npt.NDArray[np.int64]
    colsum: npt.NDArray[np.int64]
    act_skip: npt.NDArray[np.bool_]
    wt_skip: npt.NDArray[np.bool_]
    z: RowParam
    r_eff: RowParam
    b: int
    sbr: bool
    mode: int

    @property
    def act_skip_share(self) -> float:
        """Share of activation HO vectors that are skippable."""
        return float(self.act_skip.mean())

    @property
    def wt_skip_share(self) -> float:
        """Share of weight HO vectors that are skippable."""
        return float(self.wt_skip.mean())


def aqs_gemm(
    xq: npt.NDArray[np.uint8],
    wq: npt.NDArray[np.int8],
    z: int | npt.NDArray[np.integer],
    r: int | npt.NDArray[np.integer],
    b: int = 4,
    sbr: bool = True,
    mode: str | int = "aqs",
) -> AqsResult:
    """AQS-GEMM of ``xq`` (M, K) uint8 and ``wq`` (N, K) int8; see :class:`AqsResult`.

    ``r`` must be in [0, 2^(8-b)-1] in every mode (it is ignored unless ``mode`` is AQS).
    ``z`` and ``r`` are each one integer or a 1-D array of one value per row (per-row mode).
    Raises ``ValueError`` for bad input and ``DecompositionError`` if the identity fails.
    """
    check_int_array("xq", xq, 2, 0, 255, (np.uint8,))
    check_int_array("wq", wq, 2, -128, 127, (np.int8,))
    if xq.shape[1] != wq.shape[1]:
        raise ValueError(f"wq must have K = xq.shape[1] = {xq.shape[1]} columns, got {wq.shape}")
    m, n = xq.shape[0], wq.shape[0]
    z = check_row_param("z", z, m, 0, 255)
    b = check_lo_bits(b)
    r = check_row_param("r", r, m, 0, r_max(b))
    sbr = check_bool("sbr", sbr)
    mode_code = parse_mode(mode)
    r_eff = effective_r(mode_code, r)

    xh, xl = slice_act(xq, b)
    xr = xh - as_column(r_eff)
    wh, wl = slice_wt(wq, sbr)
    p = exact_matmul(np.concatenate([xr, xl]), np.concatenate([wh, wl]))
    hh, lh = p[:m, :n], p[:m, n:]
    hl, ll = p[m:, :n], p[m:, n:]
    w64 = wq.astype(np.int64)
    colsum = w64.sum(axis=1)
    comp = np.broadcast_to(as_column((1 << b) * r_eff - z) * colsum, (m, n)).copy()
    y = (hh << (b + 4)) + (hl << 4) + (lh << b) + ll + comp

    ref = exact_matmul(xq.astype(np.int64) - as_column(z), w64)
    if not np.array_equal(y, ref):
        bad = int(np.count_nonzero(y != ref))
        raise DecompositionError(f"AQS-GEMM identity failed on {bad} of {y.size} outputs")
    act_skip, wt_skip = vector_skip_masks(xr, wh)
    return AqsResult(
        hh=hh,
        hl=hl,
        lh=lh,
        ll=ll,
        comp=comp,
        y=y,
        colsum=colsum,
        act_skip=act_skip,
        wt_skip=wt_skip,
        z=z,
        r_eff=r_eff,
        b=b,
        sbr=sbr,
        mode=mode_code,
    )
