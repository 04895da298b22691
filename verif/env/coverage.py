"""Functional coverage of slice patterns and job features (cocotb-coverage).

Coverage observes, it never checks. Every covergroup lives under ``pnc.`` in cocotb-coverage's
``coverage_db``; :func:`sample_job` samples one job from its spec and the model's own view of it
(``panacea.aqs.aqs_gemm`` skip masks, ``panacea.memimage.job_stats`` record positions), doing the
heavy part in numpy and calling each cover function once per *distinct* value, never per element.

Export: :func:`export` writes ``coverage.yml`` / ``coverage.xml`` per test; :func:`merge` (also
``python -m verif.env.coverage merge OUT.xml IN.xml...``) merges runs across seeds and tests.
The covergroup list is in ``COVERGROUPS`` and must match ``verif/testplan.toml``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

# np.unique imports numpy.ma lazily on its first call. Under cocotb (which assertion-rewrites every
# module it imports) that one import costs ~80 ms; imported up front, it stays out of the first
# job's coverage sample, i.e. out of the measured simulation window.
import numpy.ma  # noqa: F401  (pre-import only)
from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db
from panacea.config import ARCH, ERRORS

V = int(ARCH.V)
RUN_MAX = (1 << int(ARCH.RUN_BITS)) - 1
MODES = (0, 1, 2)
LO_BITS = (3, 4, 5)
VEC_CLASSES = ("all_skippable", "one_live_lane", "mixed", "all_live")
RUN_BINS = (
    "run_0",
    "run_1",
    "run_mid",
    "run_max",
    "gap_longer_than_field",
    "trailing_skip",
    "empty_stream",
)
DIM_BINS = ("one", "below_tile", "tile_multiple", "multiple_plus1", "multiple_minus1", "other")
K_BINS = DIM_BINS + ("above_run_field",)
# Weight-buffer mode (memimage.wbuf_slots: 2 = next n-group prefetched, 1 = reloaded, 0 = weights
# streamed past the buffer) x one n-group or several (prefetch / reload / re-stream).
WBUF_BINS = tuple((s, g) for s in (2, 1, 0) for g in ("one_ngroup", "several_ngroups"))
CHANNELS = ("ar", "r", "aw", "w", "b")
STALLS = ("none", "cyclic", "random", "heavy")
RESET_PHASES = ("early", "mid", "late")
ERROR_CODES = tuple(int(v) for v in ERRORS.values())
FORMATS = (0, 1, 2)  # INT32, UINT8, UINT8_RLE
# Every error code in every output format; requantization errors do not exist in INT32.
ERR_FMT_BINS = tuple(
    (c, f) for c in ERROR_CODES if c for f in FORMATS if not (c == int(ERRORS.BAD_RQ) and f == 0)
)
RQ_SHIFT_BINS = (1, 2, 3, 4, 62, "mult_max")  # seq_lib.job_gen.RQ_CORNER_SHIFTS and max mult
EXTREME_DIMS = ("m_above_1024", "n_above_1024", "k_max")
JOB_RUN_BINS = ("1-31", "32-127", "128+")  # jobs since the last reset
# AXI4-Lite WSTRB patterns of byte-lane register writes: each lane alone, halves, alternate.
STROBES = (0b0001, 0b0010, 0b0100, 0b1000, 0b0011, 0b1100, 0b0101, 0b1010)

COVERGROUPS = (
    "pnc.slices",
    "pnc.vectors",
    "pnc.rle",
    "pnc.quant",
    "pnc.config",
    "pnc.dims",
    "pnc.sparsity",
    "pnc.post",
    "pnc.axi",
    "pnc.errors",
    "pnc.reset",
    "pnc.stim",
    "pnc.rowq",
)


def _coverpoint(name: str, bins: Iterable[object]) -> Callable[..., None]:
    """The sampling function of the coverpoint ``name``: call it with the value, or with several
    values that are matched as one tuple against tuple ``bins``."""

    @CoverPoint(name, bins=list(bins))
    def sample(*values: object) -> None:
        pass

    return sample


def _res_bins():
    return [(b, v) for b in LO_BITS for v in range(-((1 << (8 - b)) - 1), 1 << (8 - b))]


_cov_act_residual = _coverpoint("pnc.slices.act_residual", _res_bins())

# SBR never leaves wh = -1.
_cov_wh = _coverpoint(
    "pnc.slices.wh", [(s, v) for s in (False, True) for v in range(-8, 8) if not (s and v == -1)]
)
_cov_wl = _coverpoint(
    "pnc.slices.wl", [(False, v) for v in range(16)] + [(True, v) for v in range(-16, 16)]
)
_cov_act_vec = _coverpoint("pnc.vectors.act_class", [(m, c) for m in MODES for c in VEC_CLASSES])
_cov_wt_vec = _coverpoint("pnc.vectors.wt_class", [(m, c) for m in MODES for c in VEC_CLASSES])
_cov_act_run = _coverpoint("pnc.rle.act_run", RUN_BINS)
_cov_wt_run = _coverpoint("pnc.rle.wt_run", RUN_BINS)
R_CLASSES = ("zero", "mid", "max")
Z_CLASSES = ("zero", "255", "bin_centre", "bin_edge", "other")
_cov_r = _coverpoint("pnc.quant.r", [(b, c) for b in LO_BITS for c in R_CLASSES])
_cov_z = _coverpoint("pnc.quant.z", [(b, c) for b in LO_BITS for c in Z_CLASSES])

# Per-row zero points (MODE.row_q): per-job and per-row jobs in every skip mode and output
# format; the classes of the rows' z_m and r_m; m-blocks whose rows share one z or differ.
_cov_rowq_cfg = _coverpoint(
    "pnc.rowq.row_q_x_mode_x_fmt",
    [(q, m, f) for q in (False, True) for m in MODES for f in FORMATS],
)
_cov_zm = _coverpoint("pnc.rowq.z_m", [(b, c) for b in LO_BITS for c in Z_CLASSES])
_cov_rm = _coverpoint("pnc.rowq.r_m", [(b, c) for b in LO_BITS for c in R_CLASSES])
_cov_block_z = _coverpoint("pnc.rowq.block_z", ["shared", "differing"])
# Errors of the row vector: a misaligned ROWQ_ADDR, a read error on the row vector.
_cov_rowq_err = _coverpoint("pnc.rowq.error", ["misaligned_rowq", "rd_err_rowq"])


@CoverPoint("pnc.config.b", xf=lambda b, s, m: b, bins=list(LO_BITS))
@CoverPoint("pnc.config.sbr", xf=lambda b, s, m: s, bins=[False, True])
@CoverPoint("pnc.config.mode", xf=lambda b, s, m: m, bins=list(MODES))
@CoverCross(
    "pnc.config.b_x_sbr_x_mode", items=["pnc.config.b", "pnc.config.sbr", "pnc.config.mode"]
)
def _cov_cfg(b, sbr, mode):
    pass


_cov_m = _coverpoint("pnc.dims.m", DIM_BINS)
_cov_n = _coverpoint("pnc.dims.n", DIM_BINS)
_cov_k = _coverpoint("pnc.dims.k", K_BINS)
_cov_wbuf = _coverpoint("pnc.dims.wbuf", WBUF_BINS)
_cov_extreme = _coverpoint("pnc.dims.extreme", EXTREME_DIMS)

# Activation buffer: the m-tile class of the descriptor (seq_lib.job_gen.MT_CLASSES: mt = 0,
# several m-tiles, mt = MB, mt > MB) or a BAD_BLOCK descriptor, in every skip mode.
MT_BINS = tuple((c, m) for c in ("none", "partial", "whole", "over", "illegal") for m in MODES)
_cov_mt = _coverpoint("pnc.dims.mtile_x_mode", MT_BINS)

# Weight buffer with two or one slot over three or four (or more) n-groups.
_cov_wbuf_chain = _coverpoint("pnc.dims.wbuf_chain", [(s, g) for s in (2, 1) for g in (3, 4)])
_cov_act_dec = _coverpoint("pnc.sparsity.act_tile_decile", list(range(11)))
_cov_wt_dec = _coverpoint("pnc.sparsity.wt_tile_decile", list(range(11)))
_cov_rq = _coverpoint(
    "pnc.post.requant", [(f, c) for f in (1, 2) for c in ("sat0", "sat255", "inside")]
)
_cov_fmt_bias = _coverpoint(
    "pnc.post.fmt_bias", [(f, bb) for f in (0, 1, 2) for bb in (False, True)]
)
_cov_rq_corner = _coverpoint("pnc.post.rq_corner", [(f, c) for f in (1, 2) for c in RQ_SHIFT_BINS])
_cov_sat32 = _coverpoint("pnc.post.bias_sat32", ["low", "high"])
_cov_stall = _coverpoint("pnc.axi.stall", [(c, s) for c in CHANNELS for s in STALLS])
_cov_page = _coverpoint("pnc.axi.page_cross", [True])
_cov_err = _coverpoint("pnc.errors.code", ERROR_CODES)
_cov_err_fmt = _coverpoint("pnc.errors.code_x_fmt", ERR_FMT_BINS)

# A read error that ended a job after some of its output had been written (abort with writes
# in flight).
_cov_err_late = _coverpoint("pnc.errors.rd_err_after_writes", [True])
_cov_job_run = _coverpoint("pnc.config.jobs_since_reset", JOB_RUN_BINS)
_cov_strobe = _coverpoint("pnc.config.byte_lane_write", STROBES)

# A region whose address has bits 31..24 set.
_cov_high_addr = _coverpoint("pnc.axi.high_addr", [True])

# Address bit b (3..31: above the bus-word offset) set in an activation, weight, output or (per-row
# job) row-vector region of a job with two or more m-blocks and n-groups, so that the stream
# pointers' loads, m-block steps and n-group reloads all carry it (mutation holes: pointer bits
# above the old 16 MiB memory window that no placement set).
ADDR_KINDS = {
    "act": ("ACT_LO", "ACT_HO"),
    "wt": ("WT_LO", "WT_HO"),
    "out": ("OUT", "OUT_HO"),
    "rowq": ("ROWQ",),  # per-row jobs only
}
ADDR_BITS = tuple(range(3, 32))
_cov_addr_bit = _coverpoint("pnc.axi.addr_bit_set", [(k, b) for k in ADDR_KINDS for b in ADDR_BITS])
# A buffered weight HO unit (one PEA's HO stream of an n-group, ceil((8 + 5 * records) / 8)
# words) of 512 words or more: the high bits of the word count the buffer takes from its header.
_cov_wbuf_ho_words = _coverpoint("pnc.dims.wbuf_ho_unit_words", ["below_512", "512_plus"])
# A job whose CYCLES counter, as read back, has bit 18 set (at least 2^18 cycles): the high bits
# of the counter read mux carry a value.
_cov_cycles_bit18 = _coverpoint("pnc.config.cycles_bit18_set", [True])
# RLE HO row stride (8 + N * (9 - out_b) bytes, bus-aligned) below 2 KiB or 2..4 KiB (bit 11 set)
# in a job of two or more m-blocks, where the HO pointer steps by it.
_cov_ho_stride = _coverpoint("pnc.post.rle_ho_stride_multi_mb", ["below_2k", "2k_to_4k"])

# Heavy stalls on one channel while the regions sit just below 4 KiB boundaries and all four
# PEAs are busy.
_cov_page_stall = _coverpoint("pnc.axi.page_edge_stall", CHANNELS)
_cov_reset = _coverpoint("pnc.reset.during_job", RESET_PHASES)

# Reset 2 cycles after the start, or in tenth 0..9 of the job's modelled cycles.
_cov_reset_tenth = _coverpoint("pnc.reset.tenth", ["start"] + list(range(10)))


def _family_bins():
    from verif.seq_lib.job_gen import ACT_FAMILIES, WT_FAMILIES

    return [("act", f) for f in ACT_FAMILIES] + [("wt", f) for f in WT_FAMILIES]


_cov_family = _coverpoint("pnc.stim.family", _family_bins())


def _row_family_bins():
    from verif.seq_lib.job_gen import ROW_ZR_FAMILIES

    return list(ROW_ZR_FAMILIES)


_cov_row_family = _coverpoint("pnc.rowq.family", _row_family_bins())


# ----------------------------------------------------------------------------------- sampling
def dim_class(d: int, with_run: bool = False) -> str:
    if with_run and d > RUN_MAX + 1:
        return "above_run_field"
    if d == 1:
        return "one"
    if d < V:
        return "below_tile"
    if d % V == 0:
        return "tile_multiple"
    if d % V == 1:
        return "multiple_plus1"
    if d % V == V - 1:
        return "multiple_minus1"
    return "other"


def _span_classes(x: np.ndarray, top: int, names: Sequence[str]) -> set[str]:
    """``names[0..3]`` for the values of ``x`` that are 0, 1, strictly between 1 and ``top``, and
    ``top``: the classes that occur at least once."""
    hits = (x == 0, x == 1, (x > 1) & (x < top), x == top)
    return {name for name, hit in zip(names, hits, strict=True) if np.any(hit)}


def _vec_classes(nonzero_lanes: np.ndarray) -> set[str]:
    return _span_classes(nonzero_lanes, V, VEC_CLASSES)


def run_classes(live: np.ndarray, skippable: np.ndarray) -> set[str]:
    """Run-length bins of one stream from its record positions and skippable mask."""
    pos = np.flatnonzero(live)
    if pos.size == 0:
        return {"empty_stream"}
    runs = np.diff(pos, prepend=-1) - 1
    out = _span_classes(runs, RUN_MAX, RUN_BINS[:4])
    if np.any(live & skippable):  # a filler record: a gap longer than the run field
        out.add("gap_longer_than_field")
    if pos[-1] < live.size - 1:
        out.add("trailing_skip")
    return out


def z_classes(z: np.ndarray, b: int) -> set[str]:
    """:data:`Z_CLASSES` of the zero points ``z`` (one or one per row) with LO width ``b``."""
    z = np.atleast_1d(np.asarray(z, np.int64))
    lo = z & ((1 << b) - 1)
    edge = (lo == 0) | (lo == (1 << b) - 1)
    hits = (z == 0, z == 255, lo == 1 << (b - 1), edge, np.ones_like(edge))
    out, left = set(), np.ones(z.shape, bool)
    for name, hit in zip(Z_CLASSES, hits, strict=True):  # first matching class of each value
        if np.any(hit & left):
            out.add(name)
        left &= ~hit
    return out


def r_classes(r: np.ndarray, b: int) -> set[str]:
    """:data:`R_CLASSES` of the residual bases ``r`` (one or one per row)."""
    r = np.atleast_1d(np.asarray(r, np.int64))
    rmax = (1 << (8 - b)) - 1
    hits = (r == 0, (r > 0) & (r < rmax), r == rmax)
    return {name for name, hit in zip(R_CLASSES, hits, strict=True) if np.any(hit)}


def block_z_classes(z: np.ndarray) -> set[str]:
    """``shared`` / ``differing``: m-blocks of two or more rows whose z_m are equal / not."""
    out = set()
    for j in range(0, len(z), V):
        blk = z[j : j + V]
        if len(blk) > 1:
            out.add("shared" if np.all(blk == blk[0]) else "differing")
    return out


def _pad_rows(a: np.ndarray, fill: int) -> np.ndarray:
    m = a.shape[0]
    mp = -(-m // V) * V
    if mp == m:
        return a
    out = np.full((mp,) + a.shape[1:], fill, a.dtype)
    out[:m] = a
    return out


def sample_job(spec, exp=None) -> None:
    """Sample every job-level covergroup for one job (``exp``: its prediction, if legal)."""
    from panacea.aqs import aqs_gemm
    from panacea.memimage import wbuf_slots
    from panacea.slicing import slice_act, slice_wt

    b, sbr, mode = int(spec.b), bool(spec.sbr), int(spec.mode)
    per_row, r_eff = spec.per_row, spec.r_eff
    _cov_cfg(b, sbr, mode)
    _cov_rowq_cfg(per_row, mode, int(spec.out_fmt))
    if per_row:
        for c in z_classes(spec.z, b):
            _cov_zm(b, c)
        for c in r_classes(spec.r, b):
            _cov_rm(b, c)
        for c in block_z_classes(np.broadcast_to(np.asarray(spec.z), (spec.m,))):
            _cov_block_z(c)
        _cov_row_family(spec.meta.get("row_zr"))
    else:
        for c in z_classes(spec.z, b):
            _cov_z(b, c)
        for c in r_classes(spec.r, b):
            _cov_r(b, c)
    _cov_m(dim_class(spec.m))
    _cov_n(dim_class(spec.n))
    _cov_k(dim_class(spec.k, with_run=True))
    ngroups = -(-int(spec.n) // (V * int(ARCH.NUM_PEA)))
    _cov_wbuf(wbuf_slots(int(spec.k), sbr), "one_ngroup" if ngroups == 1 else "several_ngroups")
    mt_class = "illegal" if spec.illegal == "bad_block" else spec.meta.get("mt_class")
    if mt_class is not None:
        _cov_mt(mt_class, mode)
    _cov_family("act", spec.meta.get("act_family"))
    _cov_family("wt", spec.meta.get("wt_family"))
    _cov_fmt_bias(int(spec.out_fmt), spec.bias is not None)
    if spec.m > 1024:
        _cov_extreme("m_above_1024")
    if spec.n > 1024:
        _cov_extreme("n_above_1024")
    if spec.k == int(ARCH.MAX_DIM):
        _cov_extreme("k_max")
    slots = wbuf_slots(int(spec.k), sbr)
    if slots and ngroups >= 3:
        _cov_wbuf_chain(slots, min(ngroups, 4))

    xh, _ = slice_act(spec.x, b)
    res = xh - (r_eff[:, None] if isinstance(r_eff, np.ndarray) else r_eff)
    for v in np.unique(res):
        _cov_act_residual(b, int(v))
    wh, wl = slice_wt(spec.w, sbr)
    for v in np.unique(wh):
        _cov_wh(sbr, int(v))
    for v in np.unique(wl):
        _cov_wl(sbr, int(v))
    # lane classes of the padded slice vectors
    rp = _pad_rows(res, 0)
    nz_a = (rp.reshape(-1, V, spec.k) != 0).sum(axis=1)
    for c in _vec_classes(nz_a):
        _cov_act_vec(mode, c)
    whp = _pad_rows(wh, 0)
    nz_w = (whp.reshape(-1, V, spec.k) != 0).sum(axis=1)
    for c in _vec_classes(nz_w):
        _cov_wt_vec(mode, c)
    if exp is not None and spec.illegal == "misaligned" and _misaligned_rowq(exp.regs):
        _cov_rowq_err("misaligned_rowq")
    if exp is not None and spec.illegal == "axi_rd_err" and spec.err_at == "rowq":
        _cov_rowq_err("rd_err_rowq")
    if exp is None or not exp.legal or exp.stats is None:
        return
    a = aqs_gemm(spec.x, spec.w, spec.z, spec.r, b, sbr, mode)
    st = exp.stats
    act_c, wt_c = set(), set()
    for j in range(st.act_live.shape[0]):
        act_c |= run_classes(st.act_live[j], a.act_skip[j])
    for j in range(st.wt_live.shape[0]):
        wt_c |= run_classes(st.wt_live[j], a.wt_skip[j])
    for c in act_c:
        _cov_act_run(c)
    for c in wt_c:
        _cov_wt_run(c)
    for d in np.unique(np.floor(a.act_skip.mean(axis=1) * 10 + 1e-9).astype(int)):
        _cov_act_dec(int(d))
    for d in np.unique(np.floor(a.wt_skip.mean(axis=1) * 10 + 1e-9).astype(int)):
        _cov_wt_dec(int(d))
    if any(int(v) >> 24 == 0xFF for r, v in exp.regs.items() if r.endswith("_ADDR")):
        _cov_high_addr(True)
    _sample_addresses(spec, exp.regs)
    if st.wbuf_fits:
        words = (5 * st.wt_live.sum(axis=1) + 15) // 8
        _cov_wbuf_ho_words("512_plus" if int(words.max()) >= 512 else "below_512")
    out = exp.out
    if spec.out_fmt in (1, 2):
        if int(spec.shift) in RQ_SHIFT_BINS:
            _cov_rq_corner(int(spec.out_fmt), int(spec.shift))
        if int(spec.mult) == (1 << 31) - 1:
            _cov_rq_corner(int(spec.out_fmt), "mult_max")
        if np.any(out.out == 0):
            _cov_rq(int(spec.out_fmt), "sat0")
        if np.any(out.out == 255):
            _cov_rq(int(spec.out_fmt), "sat255")
        if np.any((out.out > 0) & (out.out < 255)):
            _cov_rq(int(spec.out_fmt), "inside")
    if np.any(out.s == np.iinfo(np.int32).min):
        _cov_sat32("low")
    if np.any(out.s == np.iinfo(np.int32).max):
        _cov_sat32("high")


def _sample_addresses(spec, regs: dict[str, int]) -> None:
    if spec.m <= V:
        return
    bus = int(ARCH.AXI_DATA_W) // 8
    rle = int(spec.out_fmt) == 2
    if rle:
        stride = (8 + int(spec.n) * (9 - int(spec.out_b)) + bus - 1) & ~(bus - 1)
        if stride < 4096:
            _cov_ho_stride("below_2k" if stride < 2048 else "2k_to_4k")
    if spec.n <= V * int(ARCH.NUM_PEA):
        return
    row_q = bool(spec.per_row)
    for kind, names in ADDR_KINDS.items():
        addr = 0
        for name in names:
            if (name != "OUT_HO" or rle) and (name != "ROWQ" or row_q):
                addr |= int(regs[f"{name}_ADDR"])
        for b in ADDR_BITS:
            if addr >> b & 1:
                _cov_addr_bit(kind, b)


def _misaligned_rowq(regs: dict[str, int]) -> bool:
    from panacea.memimage import decode_descriptor

    f = decode_descriptor(regs)
    from panacea.memimage import BUS_BYTES

    return bool(f["row_q"]) and f["rowq_addr"] % BUS_BYTES != 0


def sample_stalls(profile: dict[str, str]) -> None:
    for ch, p in profile.items():
        _cov_stall(ch, p)


def sample_error(code: int, fmt: int | None = None, wrote: bool = False) -> None:
    """Error code of a job that ended; ``fmt`` its output format, ``wrote``: some output was
    written before it ended."""
    _cov_err(int(code))
    if code and (int(code), fmt) in ERR_FMT_BINS:
        _cov_err_fmt(int(code), fmt)
    if code == int(ERRORS.AXI_RD_ERR) and wrote:
        _cov_err_late(True)


def sample_cycles(cycles: int) -> None:
    """CYCLES of a job that ended normally, as read back from the counter."""
    if int(cycles) >> 18 & 1:
        _cov_cycles_bit18(True)


def sample_strobe(strb: int) -> None:
    _cov_strobe(int(strb))


def sample_job_run(jobs_since_reset: int) -> None:
    n = jobs_since_reset
    _cov_job_run("1-31" if n < 32 else "32-127" if n < 128 else "128+")


def sample_page_edge_stall(spec, profile: dict[str, str]) -> None:
    """Channels under heavy stalls of a page-edge job that keeps all PEAs busy."""
    if spec is None or spec.placement != "page_edge" or spec.n <= V * (int(ARCH.NUM_PEA) - 1):
        return
    for ch, p in profile.items():
        if p == "heavy":
            _cov_page_stall(ch)


def sample_reset(phase: str) -> None:
    _cov_reset(phase)


def sample_reset_tenth(after: int, model: int) -> None:
    """A reset ``after`` cycles into a job the model puts at ``model`` cycles."""
    _cov_reset_tenth("start" if after <= 2 else min(9, 10 * after // max(1, model)))


def sample_page_cross() -> None:
    _cov_page(True)


# ----------------------------------------------------------------------------------- db utilities
def reset_coverage() -> None:
    """Zero every hit count (each test then exports only its own coverage)."""
    for item in coverage_db.values():
        hits = getattr(item, "_hits", None)
        if hits is not None:
            for k in hits:
                hits[k] = 0
        elif hasattr(item, "_coverage"):
            item._coverage = 0


def percent(node: str = "pnc") -> float:
    return float(coverage_db[node].cover_percentage) if node in coverage_db else 0.0


def group_percentages() -> dict[str, float]:
    return {g: percent(g) for g in COVERGROUPS if g in coverage_db}


def export(directory: Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.yml`` and ``<stem>.xml`` under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    y, x = directory / f"{stem}.yml", directory / f"{stem}.xml"
    coverage_db.export_to_yaml(str(y))
    coverage_db.export_to_xml(str(x))
    return y, x


def merge(out: str, files: list[str]) -> float:
    """Merge exported XML (or YAML) coverage files; return the merged ``pnc`` percentage."""
    from cocotb_coverage.coverage import merge_coverage

    merge_coverage(lambda *a: None, out, *files)
    import xml.etree.ElementTree as ET

    if out.endswith(".xml"):
        root = ET.parse(out).getroot()
        for el in root.iter():
            if el.get("abs_name") in ("pnc", "top.pnc"):
                return float(el.get("cover_percentage"))
    return float("nan")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "merge":
        print(f"merged coverage: {merge(sys.argv[2], sys.argv[3:]):.1f} %")
    else:
        print("usage: python -m verif.env.coverage merge OUT.xml IN.xml [IN.xml ...]")
        sys.exit(2)
