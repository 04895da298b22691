"""Constrained-random GEMM jobs: every field of the job item (docs/verification.md), drawn from a
numpy Generator.

Pure numpy, no simulator: `gen_job(rng, knobs)` returns a :class:`JobSpec` whose every field is
legal (unless ``knobs.illegal`` names one thing to break). Knobs select *families* (dimension
class, activation and weight distributions, zero-point placement, sparsity, formats, memory
placement, stall profile); each knob is either a fixed choice or ``None`` for "draw it".

Tensors are generated in the integer domain around the zero point, which makes zero-point
placement independent of the distribution family:

* activations: ``x = clip(round(z + spread * d), 0, 255)`` for a unit-free family sample ``d``;
* sparsity: a share of the (m-block, k) activation vectors are forced into the r bin
  (``x >> b == r_eff``) and a share of the (n-block, k) weight vectors get ``wh == 0``.

Per-row jobs (MODE.row_q, knob ``row_q``; ``row_q_share`` draws them among others) give every
row its own zero point and r (arrays of M values), drawn by a :data:`ROW_ZR_FAMILIES` family:
the host's per-token calibration (``panacea.rowquant``: ``calibrate_rows``, optionally
``center_rows``, ``quantize_rows``, ``choose_r_rows`` with one of its rules), blocks of rows
sharing one range, extreme values (z at 0 and 255, r at 0 and its maximum), or every row of an
m-block different.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
from panacea.aqs import is_per_row
from panacea.config import ARCH, CONSTS
from panacea.memimage import abuf_mt_max, wbuf_slots
from panacea.rowquant import R_RULES, calibrate_rows, center_rows, choose_r_rows, quantize_rows

V = int(ARCH.V)
MAX_DIM = int(ARCH.MAX_DIM)
RUN_MAX = (1 << int(ARCH.RUN_BITS)) - 1

ACT_FAMILIES = (
    "gaussian",
    "laplace",
    "post_gelu",
    "post_relu",
    "layernorm_outliers",
    "uniform",
    "bimodal",
    "constant",
    "one_r_bin",
)
WT_FAMILIES = ("gaussian", "uniform_full", "sparse", "narrow_sbr", "extremes", "constant")
ZP_PLACES = ("natural", "zero", "max", "bin_centre", "bin_edge_lo", "bin_edge_hi", "random")
DIM_CLASSES = ("one", "tiny", "tile_multiple", "tile_pm1", "medium", "large")
# "wide": every region at a random bus-aligned address anywhere in the 32-bit space (the pyuvm
# env's memory is sparse and spans it, so every address bit is really decoded).
PLACEMENTS = ("packed", "gapped", "random", "page_edge", "wide")
# Directed placements, never drawn at random: "high" puts every region at an address with
# bits 31..24 set; "page_edge_short" starts every region 8 or 16 bytes below a 4 KiB boundary
# (first bursts of one or two beats); "wide_mirror" mirrors a "wide" job's addresses
# (2^32 - addr - size, the same draw from JobSpec.base), complementing their upper bits.
DIRECTED_PLACEMENTS = ("high", "page_edge_short", "wide_mirror")
STALL_PROFILES = ("none", "cyclic", "random", "heavy", "mixed")
# Descriptor fields a negative test breaks, then AXI responses and stream headers.
DESCRIPTOR_ILLEGAL = ("bad_dim_zero", "bad_dim_big", "bad_mode_skip", "bad_mode_fmt",
                      "bad_lo_bits", "bad_out_lo_bits", "bad_r", "bad_out_r", "misaligned",
                      "bad_rq_mult", "bad_rq_shift", "bad_block")  # fmt: skip
ILLEGAL_KINDS = (*DESCRIPTOR_ILLEGAL, "axi_rd_err", "axi_wr_err", "stream_corrupt")
# m-tile classes of the activation buffer (descriptor mt): none (mt = 0), partial (several
# m-tiles, the last one possibly shorter), whole (mt = MB), over (mt > MB: one m-tile too).
MT_CLASSES = ("none", "partial", "whole", "over")
MODES = (int(CONSTS.SKIP_DENSE), int(CONSTS.SKIP_ZERO), int(CONSTS.SKIP_AQS))
# Per-row z/r families: the host's per-token calibration (rows of their own offset and scale),
# the same with per-row ZPM, blocks of 8 rows sharing one range, extreme values, and rows of
# one m-block all different.
ROW_ZR_FAMILIES = ("calibrated", "calibrated_zpm", "block_shared", "corners", "differing")
FMTS = (int(CONSTS.FMT_INT32), int(CONSTS.FMT_UINT8), int(CONSTS.FMT_UINT8_RLE))


@dataclass
class JobKnobs:
    """What a sequence asks for; ``None`` means "draw from the default distribution"."""

    dim_class: str | None = None
    m: int | None = None
    n: int | None = None
    k: int | None = None
    max_m: int = 40  # caps keep default jobs quick; "large" ignores them up to big_*
    max_n: int = 40
    max_k: int = 96
    big_mn: int = 72
    big_k: int = 600  # > RUN_MAX + 1 so runs longer than the run field appear
    act_family: str | None = None
    wt_family: str | None = None
    zp_place: str | None = None
    b: int | None = None
    sbr: bool | None = None
    mode: int | None = None
    act_sparsity: float | None = None  # share of activation vectors forced into the r bin
    wt_sparsity: float | None = None  # share of weight vectors forced to wh == 0
    bias: bool | None = None
    out_fmt: int | None = None
    saturate: bool | None = None  # requantization scale chosen to hit 0 and 255
    rq_shift: int | None = None  # fixed requantization shift (mult then keeps outputs in range)
    rq_mult: int | None = None  # fixed requantization multiplier (with rq_shift)
    placement: str | None = None
    stall: str | None = None
    illegal: str | None = None
    # SLVERR window on the region's "first" (default) or "last" word, or on the row vector
    # ("rowq", per-row jobs)
    err_at: str | None = None
    row_q: bool | None = None  # per-row z and r (MODE.row_q); None: drawn with row_q_share
    row_q_share: float = 0.0  # chance of a per-row job when row_q is None
    row_zr: str | None = None  # per-row z/r family (ROW_ZR_FAMILIES)
    mt_class: str | None = None  # m-tile class (MT_CLASSES); None: drawn (those that fit)


RowParam = int | np.ndarray  # one value per job, or one per row (per-row job)


@dataclass
class JobSpec:
    """One job, everything the model needs plus the stimulus-only knobs (placement, stalls)."""

    m: int
    n: int
    k: int
    x: np.ndarray  # (M, K) uint8
    w: np.ndarray  # (N, K) int8
    z: RowParam  # an (M,) array in a per-row job
    r: RowParam
    b: int
    sbr: bool
    mode: int
    bias: np.ndarray | None  # (N,) int32 or None
    out_fmt: int
    mult: int = 1 << 30
    shift: int = 31
    zo: int = 0
    out_r: int = 0
    out_b: int = 4
    mt: int = 0  # m-blocks per m-tile in the activation buffer (descriptor BLOCK.mt)
    placement: str = "packed"
    base: int = 0x1000
    stall: str = "none"
    illegal: str | None = None
    err_at: str = "first"
    corner: object = None  # boundary value of a descriptor error (stimulus.DESCRIPTOR_CORNERS)
    meta: dict = field(default_factory=dict)  # family names etc. for coverage and reports

    @property
    def per_row(self) -> bool:
        """Per-row z and r (MODE.row_q)."""
        return is_per_row(self.z, self.r)

    @property
    def r_eff(self) -> RowParam:
        return self.r if self.mode == int(CONSTS.SKIP_AQS) else 0

    def describe(self) -> str:
        fam = self.meta.get("act_family", "?")
        mode = {0: "dense", 1: "zero", 2: "aqs"}.get(self.mode, str(self.mode))
        fmt = {0: "int32", 1: "uint8", 2: "uint8rle"}.get(self.out_fmt, str(self.out_fmt))
        zr = f"rowq-{self.meta.get('row_zr', '?')}" if self.per_row else f"z{self.z}r{self.r}"
        s = (
            f"m{self.m}n{self.n}k{self.k}_b{self.b}_{'sbr' if self.sbr else 'nosbr'}_{mode}"
            f"_{fmt}_{zr}_{fam}{'_bias' if self.bias is not None else ''}"
            f"_{self.placement}_{self.stall}{f'_mt{self.mt}' if self.mt else ''}"
        )
        return s + (f"_ILLEGAL-{self.illegal}" if self.illegal else "")

    def copy_with(self, **kw) -> JobSpec:
        return replace(self, **kw)


def _pick(rng: np.random.Generator, options, p=None):
    return options[int(rng.choice(len(options), p=p))]


def draw_dim(rng: np.random.Generator, cls: str, cap: int, big: int) -> int:
    """One dimension of class ``cls`` (never above ``MAX_DIM``)."""
    if cls == "one":
        return 1
    if cls == "tiny":
        return int(rng.integers(1, V + 1))
    if cls == "tile_multiple":
        return V * int(rng.integers(1, max(2, cap // V) + 1))
    if cls == "tile_pm1":
        return max(1, V * int(rng.integers(1, max(2, cap // V) + 1)) + int(rng.choice([-1, 1])))
    if cls == "medium":
        return int(rng.integers(V + 1, max(V + 2, cap + 1)))
    if cls == "large":
        return int(rng.integers(max(cap, V + 1), max(cap + 1, big) + 1))
    raise ValueError(f"dim_class must be one of {DIM_CLASSES}, got {cls!r}")


def _family_sample(rng: np.random.Generator, fam: str, shape) -> np.ndarray:
    """Unit-free samples of the activation family (before scaling around z)."""
    if fam == "gaussian":
        return rng.standard_normal(shape)
    if fam == "laplace":
        return rng.laplace(0.0, 1.0, shape)
    if fam == "post_gelu":
        t = rng.standard_normal(shape) * 1.5
        return 0.5 * t * (1 + np.tanh(0.7978845608 * (t + 0.044715 * t**3)))  # >= -0.17
    if fam == "post_relu":
        return np.maximum(rng.standard_normal(shape), 0.0)
    if fam == "layernorm_outliers":
        d = rng.standard_normal(shape) * 0.5
        ncol = shape[1]
        out = rng.random(ncol) < 0.05  # a few outlier channels (columns k)
        d[:, out] *= 20.0
        return d
    if fam == "bimodal":
        sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        return sign * 2.0 + rng.standard_normal(shape) * 0.4
    raise ValueError(fam)


def gen_activations(rng, fam: str, m: int, k: int, z: RowParam, b: int, r_bin: int) -> np.ndarray:
    """(M, K) uint8 activations of family ``fam`` around zero point ``z`` (one per row when an
    array)."""
    if fam == "uniform":
        return rng.integers(0, 256, (m, k), dtype=np.int64).astype(np.uint8)
    if fam == "constant":
        return np.full((m, k), int(rng.integers(0, 256)), np.uint8)
    if fam == "one_r_bin":
        lo = r_bin << b
        return (lo + rng.integers(0, 1 << b, (m, k))).astype(np.uint8)
    spread = float(rng.choice([1.5, 4.0, 10.0, 25.0, 60.0]))
    d = _family_sample(rng, fam, (m, k))
    return np.clip(np.rint(_col(z) + spread * d), 0, 255).astype(np.uint8)


def _col(v: RowParam) -> RowParam:
    """A per-row value as a column (broadcasts over K); a scalar unchanged."""
    return v[:, None] if isinstance(v, np.ndarray) else v


def gen_weights(rng, fam: str, n: int, k: int) -> np.ndarray:
    """(N, K) int8 weights of family ``fam``."""
    if fam == "gaussian":
        s = float(rng.choice([3.0, 12.0, 40.0]))
        return np.clip(np.rint(rng.standard_normal((n, k)) * s), -127, 127).astype(np.int8)
    if fam == "uniform_full":
        return rng.integers(-128, 128, (n, k)).astype(np.int8)  # includes -128
    if fam == "sparse":
        w = np.clip(np.rint(rng.standard_normal((n, k)) * 30), -127, 127)
        return np.where(rng.random((n, k)) < 0.8, 0, w).astype(np.int8)
    if fam == "narrow_sbr":
        return rng.integers(-16, 16, (n, k)).astype(np.int8)  # wh == 0 everywhere under SBR
    if fam == "extremes":
        return rng.choice(np.array([-128, -127, -1, 0, 1, 15, 16, -16, -17, 127]), (n, k)).astype(
            np.int8
        )
    if fam == "constant":
        return np.full((n, k), int(rng.integers(-128, 128)), np.int8)
    raise ValueError(f"wt_family must be one of {WT_FAMILIES}, got {fam!r}")


def place_z(rng, place: str, b: int, natural: int) -> int:
    """Zero point for placement ``place`` (``natural``: the family's own centre)."""
    rbin = int(rng.integers(0, 1 << (8 - b)))
    return {
        "natural": natural,
        "zero": 0,
        "max": 255,
        "bin_centre": (rbin << b) + (1 << (b - 1)),
        "bin_edge_lo": rbin << b,
        "bin_edge_hi": (rbin << b) + (1 << b) - 1,
        "random": int(rng.integers(0, 256)),
    }[place]


def force_act_sparsity(rng, x: np.ndarray, share: float, b: int, r_eff: RowParam) -> np.ndarray:
    """Force ``share`` of the (m-block, k) activation vectors to be skippable (xh == r_eff)."""
    m, k = x.shape
    mb = -(-m // V)
    sel = rng.random((mb, k)) < share
    rows = np.repeat(sel, V, axis=0)[:m]  # (M, K) mask
    lo = rng.integers(0, 1 << b, (m, k))
    return np.where(rows, (_col(r_eff) << b) + lo, x).astype(np.uint8)


def force_wt_sparsity(rng, w: np.ndarray, share: float, sbr: bool) -> np.ndarray:
    """Force ``share`` of the (n-block, k) weight vectors to have wh == 0."""
    n, k = w.shape
    nb = -(-n // V)
    sel = np.repeat(rng.random((nb, k)) < share, V, axis=0)[:n]
    lo = rng.integers(-16 if sbr else 0, 16, (n, k))
    return np.where(sel, lo, w).astype(np.int8)


def _distinct_in_blocks(rng, m: int, lo: int, hi: int) -> np.ndarray:
    """(M,) values in [lo, hi], all different within each block of V rows when the range
    allows."""
    out = np.empty(m, np.int64)
    for j in range(0, m, V):
        n = min(V, m - j)
        out[j : j + n] = rng.choice(np.arange(lo, hi + 1), n, replace=hi - lo + 1 < n)
    return out


def gen_row_zr(
    rng, fam: str, afam: str, m: int, k: int, b: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Activations (M, K) uint8 and per-row z and r, each (M,) int64, of per-row family ``fam``
    (:data:`ROW_ZR_FAMILIES`; ``afam`` the activation family of the float or integer samples)."""
    rmax = (1 << (8 - b)) - 1
    if fam in ("calibrated", "calibrated_zpm", "block_shared"):
        # per-token floats: every row its own offset and scale, as LLM activations are
        base = _family_sample(rng, afam if afam in _FLOAT_FAMILIES else "gaussian", (m, k))
        xf = base * rng.uniform(0.2, 5.0, (m, 1)) + rng.normal(0.0, 2.0, (m, 1))
        group = V if fam == "block_shared" else 1
        scale, z = calibrate_rows(xf, group)
        if fam == "calibrated_zpm" or rng.random() < 0.3:
            scale, z = center_rows(xf, scale, z, b, group)
        x = quantize_rows(xf, scale, z)
        rule = "block" if fam == "block_shared" else str(_pick(rng, R_RULES))
        r = choose_r_rows(x, b, rule, z)  # an HO slice value: never above rmax
        return x, z.astype(np.int64), r.astype(np.int64)
    if fam == "corners":
        z = rng.choice(np.array([0, 255, 0, 255, int(rng.integers(1, 255))]), m).astype(np.int64)
        r = rng.choice(np.array([0, rmax]), m).astype(np.int64)
        if m >= 2:  # both extremes in the first m-block
            z[:2], r[:2] = (0, 255), (0, rmax)
    elif fam == "differing":
        z = _distinct_in_blocks(rng, m, 0, 255)
        r = np.where(rng.random(m) < 0.7, z >> b, _distinct_in_blocks(rng, m, 0, rmax))
    else:
        raise ValueError(f"row_zr must be one of {ROW_ZR_FAMILIES}, got {fam!r}")
    x = gen_activations(rng, afam, m, k, z, b, int(rng.integers(0, rmax + 1)))
    return x, z, r.astype(np.int64)


# activation families that are float-like samples (the others are drawn as integers)
_FLOAT_FAMILIES = ("gaussian", "laplace", "post_gelu", "post_relu", "layernorm_outliers", "bimodal")


def choose_requant(rng, y_absmax: int, saturate: bool) -> tuple[int, int, int]:
    """(mult, shift, zo): scale maps the output range onto ~[0, 255], or far beyond it."""
    from panacea.requant import quantize_multiplier

    span = max(1, y_absmax)
    scale = (
        (float(rng.uniform(4.0, 40.0)) if saturate else float(rng.uniform(0.3, 1.0))) * 127.0 / span
    )
    scale = min(max(scale, 2.0**-31), 2.0**29)
    mult, shift = quantize_multiplier(scale)
    zo = int(rng.integers(0, 256)) if rng.random() < 0.5 else 128
    return mult, shift, zo


def fixed_shift_mult(y_absmax: int, shift: int) -> int:
    """The multiplier that maps +-y_absmax onto about +-100 with a fixed ``shift`` (at least 1:
    small shifts then give scales of 1/2 .. 1/16 and a shift of 62 a scale of about 2^-31)."""
    mult = round(100 * 2.0**shift / max(1, y_absmax))
    return int(min(max(mult, 1), (1 << 31) - 1))


def gen_job(rng: np.random.Generator, knobs: JobKnobs | None = None) -> JobSpec:
    """Draw one job. Legal unless ``knobs.illegal`` is set (then exactly that is broken)."""
    kn = knobs or JobKnobs()
    dcls = kn.dim_class

    def dim(fixed, cap, big):
        if fixed is not None:
            return int(fixed)
        c = dcls or _pick(rng, DIM_CLASSES, p=[0.05, 0.15, 0.25, 0.25, 0.25, 0.05])
        return draw_dim(rng, c, cap, big)

    m = dim(kn.m, kn.max_m, kn.big_mn)
    n = dim(kn.n, kn.max_n, kn.big_mn)
    k = dim(kn.k, kn.max_k, kn.big_k)

    b = kn.b if kn.b is not None else int(_pick(rng, (3, 4, 5), p=[0.25, 0.5, 0.25]))
    sbr = kn.sbr if kn.sbr is not None else bool(rng.random() < 0.7)
    mode = kn.mode if kn.mode is not None else int(_pick(rng, MODES, p=[0.2, 0.2, 0.6]))
    afam = kn.act_family or _pick(rng, ACT_FAMILIES)
    wfam = kn.wt_family or _pick(rng, WT_FAMILIES, p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1])
    zpl = kn.zp_place or _pick(rng, ZP_PLACES, p=[0.5, 0.1, 0.05, 0.1, 0.1, 0.05, 0.1])

    natural = 0 if afam == "post_relu" else int(rng.integers(16, 240))
    z = place_z(rng, zpl, b, natural)
    rmax = (1 << (8 - b)) - 1
    r_bin = z >> b
    if afam == "one_r_bin" and rng.random() < 0.3:
        r_bin = int(rng.integers(0, rmax + 1))
    x = gen_activations(rng, afam, m, k, z, b, r_bin)
    # r: the HO slice of z (what ZPM would aim for) most of the time, else 0, max or random
    r = int(_pick(rng, (r_bin, 0, rmax, int(rng.integers(0, rmax + 1))), p=[0.7, 0.1, 0.1, 0.1]))
    # no draw at a share of 0: jobs without per-row knobs keep their random stream
    row_q = (
        kn.row_q if kn.row_q is not None else bool(kn.row_q_share and rng.random() < kn.row_q_share)
    )
    row_zr = None
    if row_q:
        row_zr = kn.row_zr or _pick(rng, ROW_ZR_FAMILIES)
        x, z, r = gen_row_zr(rng, row_zr, afam, m, k, b)
    r_eff = r if mode == int(CONSTS.SKIP_AQS) else 0
    w = gen_weights(rng, wfam, n, k)
    if kn.act_sparsity is not None or rng.random() < 0.3:
        share = kn.act_sparsity if kn.act_sparsity is not None else float(rng.random())
        x = force_act_sparsity(rng, x, share, b, r_eff)
    if kn.wt_sparsity is not None or rng.random() < 0.3:
        share = kn.wt_sparsity if kn.wt_sparsity is not None else float(rng.random())
        w = force_wt_sparsity(rng, w, share, sbr)

    use_bias = kn.bias if kn.bias is not None else bool(rng.random() < 0.5)
    bias = None
    if use_bias:
        if rng.random() < 0.1:  # huge biases make sat32 reachable
            bias = rng.choice(np.array([-(2**31), 2**31 - 1, -(2**30), 2**30]), n).astype(np.int32)
        else:
            bias = rng.integers(-(1 << 16), 1 << 16, n).astype(np.int32)
    out_fmt = kn.out_fmt if kn.out_fmt is not None else int(_pick(rng, FMTS, p=[0.4, 0.3, 0.3]))
    y_absmax = int(k * 255 * 128 // 8) + 1
    if out_fmt != int(CONSTS.FMT_INT32):
        xz = x.astype(np.int64) - _col(z)
        y = xz @ w.astype(np.int64).T
        if bias is not None:
            y = y + bias.astype(np.int64)[None, :]
        y_absmax = int(np.abs(y).max()) or 1
    sat = kn.saturate if kn.saturate is not None else bool(rng.random() < 0.2)
    mult, shift, zo = choose_requant(rng, y_absmax, sat)
    if kn.rq_shift is not None:
        shift = int(kn.rq_shift)
        mult = int(kn.rq_mult) if kn.rq_mult is not None else fixed_shift_mult(y_absmax, shift)
    out_b = int(_pick(rng, (3, 4, 5)))
    out_r = int(rng.integers(0, (1 << (8 - out_b))))
    if rng.random() < 0.6:
        out_r = min(zo >> out_b, (1 << (8 - out_b)) - 1)  # the next layer's natural r
    placement = kn.placement or _pick(rng, PLACEMENTS, p=[0.35, 0.15, 0.2, 0.15, 0.15])
    stall = kn.stall or _pick(rng, STALL_PROFILES, p=[0.4, 0.15, 0.2, 0.1, 0.15])
    base = 0x1000 if placement != "random" else 0x1000 + 8 * int(rng.integers(0, 4096))
    if placement in ("wide", "wide_mirror"):  # the seed of the address draw (see stimulus)
        base = int(rng.integers(0, 1 << 31))
    spec = JobSpec(
        m=m,
        n=n,
        k=k,
        x=x,
        w=w,
        z=z,
        r=r,
        b=b,
        sbr=sbr,
        mode=mode,
        bias=bias,
        out_fmt=out_fmt,
        mult=mult,
        shift=shift,
        zo=zo,
        out_r=out_r,
        out_b=out_b,
        placement=placement,
        base=base,
        stall=stall,
        err_at=kn.err_at or "first",
        meta={
            "act_family": afam,
            "wt_family": wfam,
            "zp_place": zpl,
            "dim_class": dcls,
            "saturate": sat,
            **({"row_zr": row_zr} if row_q else {}),
        },
    )
    if kn.illegal:
        spec.illegal = kn.illegal
        if kn.illegal not in ILLEGAL_KINDS:
            raise ValueError(f"illegal must be one of {ILLEGAL_KINDS}, got {kn.illegal!r}")
    # drawn last, so the fields above keep the random stream they had before the m-tile
    cls = kn.mt_class or _pick(rng, MT_CLASSES, p=[0.4, 0.3, 0.15, 0.15])
    spec.mt, spec.meta["mt_class"] = draw_mt(rng, cls, m, k, b, bool(row_q))
    return spec


def draw_mt(
    rng: np.random.Generator, cls: str, m: int, k: int, b: int, row_q: bool
) -> tuple[int, str]:
    """(mt, its class) of class ``cls`` (MT_CLASSES) for the job, or of the nearest class that
    fits the activation buffer (a whole m-tile falls back to a partial one, a partial one to
    none)."""
    hi = abuf_mt_max(m, k, b, row_q)
    mb = -(-m // V)
    if cls in ("whole", "over") and hi == mb:
        return (mb, "whole") if cls == "whole" else (int(rng.integers(mb + 1, 1 << 16)), "over")
    if cls != "none" and hi and mb > 1:
        return int(rng.integers(1, min(hi, mb - 1) + 1)), "partial"
    return 0, "none"


def spec_fields() -> list[str]:
    return [f.name for f in fields(JobSpec)]


def _wbuf_job(rng, n: int, ks: list[int], sbr: bool, wt_sparsity: float | None) -> JobSpec:
    """A short AQS job of N = ``n`` columns, K drawn from ``ks`` and 1..3 rows, no stalls: the
    weight-buffer jobs differ only in these."""
    kn = JobKnobs(
        m=int(rng.integers(1, 4)),
        n=n,
        k=int(rng.choice(ks)),
        sbr=sbr,
        mode=int(CONSTS.SKIP_AQS),
        stall="none",
        wt_sparsity=wt_sparsity,
    )
    return gen_job(rng, kn)


def wbuf_mode_specs(rng) -> list:
    """One job per weight-buffer mode (memimage.wbuf_slots 2 / 1 / 0) with one n-group and with
    several: prefetch of the next n-group, reload of the one slot, weights streamed past the
    buffer. K is drawn just above each mode's threshold so the jobs stay short; M is small
    because the buffer's behaviour depends on the n-groups, not on the m-blocks."""
    ng_cols = V * int(ARCH.NUM_PEA)
    specs = []
    for slots in (2, 1, 0):
        sbr = bool(rng.random() < 0.5)
        k_min = RUN_MAX + 2 if slots == 2 else 1  # runs longer than the run field
        ks = [k for k in range(k_min, MAX_DIM + 1) if wbuf_slots(k, sbr) == slots][: 3 * V]
        if not ks:  # this buffer size has no such mode (e.g. WBUF_BYTES 0)
            continue
        # one n-group on two PEAs, or two n-groups (the second on one PEA); mostly zero HO
        # weight vectors on the long-K modes: the buffer is sized for the worst case anyway,
        # and the shorter streams keep the test to about a minute under Icarus
        for n in (
            int(rng.integers(V + 1, 2 * V + 1)),
            int(rng.integers(ng_cols + 1, ng_cols + V + 1)),
        ):
            specs.append(_wbuf_job(rng, n, ks, sbr, None if slots == 2 else 0.8))
    # one slot, dense HO weights, K in the upper 40 % of the one-slot range: an HO unit of
    # 512..1023 words (the high bits of the word count the buffer takes from the HO header)
    ks = [k for k in range(1, MAX_DIM + 1) if wbuf_slots(k, True) == 1]
    if ks:
        kn = JobKnobs(
            m=int(rng.integers(V + 1, 2 * V + 1)),
            n=int(rng.integers(1, V + 1)),
            k=int(rng.choice(ks[len(ks) * 3 // 5 : -1])),
            sbr=True,
            wt_family="uniform_full",
            wt_sparsity=0.0,
            mode=int(CONSTS.SKIP_AQS),
            stall="none",
        )
        specs.append(gen_job(rng, kn))
    return specs


def wbuf_chain_specs(rng) -> list:
    """Weight-buffer jobs with three and four n-groups (two slots and one slot): the middle
    n-groups prefetch (two slots) or reload (one slot) while the previous one plays, which one
    or two n-groups never need."""
    ng_cols = V * int(ARCH.NUM_PEA)
    specs = []
    for slots in (2, 1):
        sbr = bool(rng.random() < 0.5)
        k_min = RUN_MAX + 2 if slots == 2 else 1
        ks = [k for k in range(k_min, MAX_DIM + 1) if wbuf_slots(k, sbr) == slots][: 3 * V]
        if not ks:
            continue
        for groups in (3, 4):
            n = int(rng.integers((groups - 1) * ng_cols + 1, (groups - 1) * ng_cols + V + 1))
            specs.append(_wbuf_job(rng, n, ks, sbr, 0.8))
    return specs


RQ_CORNER_SHIFTS = (1, 2, 3, 4, 62)  # shortest shifts (low product bits count) and the longest


def requant_corner_specs(rng) -> list:
    """UINT8 and UINT8_RLE jobs with small accumulators (activations within +-4 of z, weights
    within +-8, K = 8) requantized with every shift of ``RQ_CORNER_SHIFTS`` (the multiplier
    keeps most outputs inside 0..255, so low product bits and the rounding constant show), and
    with the largest multiplier at shift 1 (every output saturates)."""
    specs = []
    for fmt in FMTS[1:]:
        for shift, mult in [(s, None) for s in RQ_CORNER_SHIFTS] + [(1, (1 << 31) - 1)]:
            spec = gen_job(
                rng,
                JobKnobs(m=16, n=16, k=8, out_fmt=fmt, bias=False, stall="none"),
            )
            z = spec.z
            spec.x = np.clip(z + rng.integers(-4, 5, (spec.m, spec.k)), 0, 255).astype(np.uint8)
            spec.w = rng.integers(-8, 8, (spec.n, spec.k)).astype(np.int8)
            y = (spec.x.astype(np.int64) - z) @ spec.w.astype(np.int64).T
            spec.shift = shift
            spec.mult = mult if mult is not None else fixed_shift_mult(int(np.abs(y).max()), shift)
            spec.zo = 128
            spec.meta["act_family"] = "gaussian"
            spec.meta["rq"] = "corner"
            specs.append(spec)
    return specs
