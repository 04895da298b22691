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


def exact_matmul(
    a: npt.NDArray[np.integer], b: npt.NDArray[np.integer], b_cache: dict[Any, Any] | None = None
) -> npt.NDArray[np.int64]:
    """Exact integer ``a @ b.T`` (int64) for integer matrices, through BLAS when that is
    provably exact.

    ``b_cache`` (a dict kept with ``b``, which must not change) holds ``max|b|`` and the float
    copies of ``b`` across calls with the same right operand."""
    k = a.shape[1]
    amax = int(np.abs(a).max()) if a.size else 0
    cache: dict[Any, Any] = {} if b_cache is None else b_cache
    if "max" not in cache:
        cache["max"] = int(np.abs(b.astype(np.int64, copy=False)).max()) if b.size else 0
    bound = k * amax * cache["max"]
    if bound < 2**24:
        dt: type = np.float32
    elif bound < 2**53:
        dt = np.float64
    else:
        return a.astype(np.int64, copy=False) @ b.astype(np.int64, copy=False).T
    if dt not in cache:
        cache[dt] = b.astype(dt)
    return (a.astype(dt) @ cache[dt].T).astype(np.int64)


def _block_all_zero(a: npt.NDArray[np.int64], blocks: int) -> npt.NDArray[np.bool_]:
    """(blocks, K): the rows of ``a`` (R, K) in blocks of V are all zero (padding rows count
    as zero)."""
    v = int(ARCH.V)
    pad = np.zeros((blocks * v, a.shape[1]), a.dtype)
    pad[: a.shape[0]] = a
    return ~np.any(pad.reshape(blocks, v, a.shape[1]) != 0, axis=1)


def vector_skip_masks(
    xr: npt.NDArray[np.int64], wh: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Skippable HO vectors: activation ``(MB, K)`` (all 8 residuals zero) and weight
    ``(NB, K)`` (all 8 ``wh`` zero). Padding lanes (rows >= M, channels >= N) count as zero.
    """
    v = int(ARCH.V)
    m, n = xr.shape[0], wh.shape[0]
    return _block_all_zero(xr, -(-m // v)), _block_all_zero(wh, -(-n // v))


@dataclass(frozen=True, eq=False)
class WeightPrep:
    """The activation-independent half of :func:`aqs_gemm` for one weight matrix ``wq``:
    its slices ``whl = [wh; wl]`` (2N, K, int8), column sums, skippable HO vectors (NB, K) and the
    float copies of ``whl`` the BLAS matmul uses (made on first use). Build it once with
    :func:`prepare_weights` and pass it to every GEMM with these weights."""

    wq: npt.NDArray[np.int8]
    sbr: bool
    whl: npt.NDArray[np.int8]
    colsum: npt.NDArray[np.int64]
    wt_skip: npt.NDArray[np.bool_]
    casts: dict[Any, Any]


def prepare_weights(wq: npt.NDArray[np.int8], sbr: bool = True) -> WeightPrep:
    """:class:`WeightPrep` of ``wq`` (N, K) int8 sliced with or without SBR."""
    check_int_array("wq", wq, 2, -128, 127, (np.int8,))
    sbr = check_bool("sbr", sbr)
    wh, wl = slice_wt(wq, sbr)
    v = int(ARCH.V)
    return WeightPrep(
        wq=wq,
        sbr=sbr,
        whl=np.concatenate([wh, wl]).astype(np.int8),  # [-16, 15]: int8 keeps it small
        colsum=wq.astype(np.int64).sum(axis=1),
        wt_skip=_block_all_zero(wh, -(-wq.shape[0] // v)),
        casts={},
    )


# Freivalds check: random integer vectors in [-FREIVALDS_MAX, FREIVALDS_MAX) and how many.
FREIVALDS_MAX: int = 2**20
FREIVALDS_ROUNDS: int = 2
CHECKS: tuple[str, ...] = ("full", "freivalds")


def _identity_errors(
    y: npt.NDArray[np.int64],
    xz: npt.NDArray[np.int64],
    wq: npt.NDArray[np.int8],
    check: str,
) -> int:
    """Outputs (full check) or check vectors (Freivalds) where ``y != xz @ wq.T``; 0 if equal.

    "freivalds" compares ``y @ v`` with ``xz @ (wq.T @ v)`` for random integer columns ``v``
    in exact int64 arithmetic (every |partial sum| is below 2^62 by the bound below): a wrong
    ``y`` passes with probability at most ``(2 * vmax)^-FREIVALDS_ROUNDS`` (<= 2^-42), at
    O((M + K) N) cost instead of the GEMM's O(M N K)."""
    m, k = xz.shape
    n = wq.shape[0]
    # |xz| <= 255, |w| <= 128: every partial sum is at most n * k * 255 * 128 * vmax
    vmax = min(FREIVALDS_MAX, 2**62 // max(1, n * k * 255 * 128))
    w64 = wq.astype(np.int64)
    if check == "full" or vmax < 2**10:
        return int(np.count_nonzero(y != exact_matmul(xz, w64)))
    v = np.random.default_rng().integers(-vmax, vmax, (n, FREIVALDS_ROUNDS), np.int64)
    return int(np.count_nonzero(y @ v != xz @ (w64.T @ v)))


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
    prep: WeightPrep | None = None,
    check: str = "full",
) -> AqsResult:
    """AQS-GEMM of ``xq`` (M, K) uint8 and ``wq`` (N, K) int8; see :class:`AqsResult`.

    ``r`` must be in [0, 2^(8-b)-1] in every mode (it is ignored unless ``mode`` is AQS).
    ``z`` and ``r`` are each one integer or a 1-D array of one value per row (per-row mode).
    ``prep`` (:func:`prepare_weights` of this ``wq`` and ``sbr``) skips the weight-side work.
    ``check`` is how the five-term sum is compared with the plain integer GEMM: "full" (every
    output against the GEMM) or "freivalds" (random projections, see
    :func:`_identity_errors`; for the accuracy run's many large GEMMs).
    Raises ``ValueError`` for bad input and ``DecompositionError`` if the identity fails.
    """
    check_int_array("xq", xq, 2, 0, 255, (np.uint8,))
    if check not in CHECKS:
        raise ValueError(f"check must be one of {CHECKS}, got {check!r}")
    if prep is None:
        prep = prepare_weights(wq, sbr)
    elif prep.sbr != sbr or (prep.wq is not wq and not np.array_equal(prep.wq, wq)):
        raise ValueError("prep must be prepare_weights(wq, sbr) of this GEMM's wq and sbr")
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
    p = exact_matmul(np.concatenate([xr, xl]), prep.whl, prep.casts)
    hh, lh = p[:m, :n], p[:m, n:]
    hl, ll = p[m:, :n], p[m:, n:]
    colsum = prep.colsum
    comp = np.broadcast_to(as_column((1 << b) * r_eff - z) * colsum, (m, n)).copy()
    y = (hh << (b + 4)) + (hl << 4) + (lh << b) + ll + comp

    bad = _identity_errors(y, xq.astype(np.int64) - as_column(z), wq, check)
    if bad:
        of = f"{y.size} outputs" if check == "full" else f"{FREIVALDS_ROUNDS} random projections"
        raise DecompositionError(f"AQS-GEMM identity failed on {bad} of {of}")
    return AqsResult(
        hh=hh,
        hl=hl,
        lh=lh,
        ll=ll,
        comp=comp,
        y=y,
        colsum=colsum,
        act_skip=_block_all_zero(xr, -(-m // int(ARCH.V))),
        wt_skip=prep.wt_skip,
        z=z,
        r_eff=r_eff,
        b=b,
        sbr=sbr,
        mode=mode_code,
    )
