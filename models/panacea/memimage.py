"""Accelerator memory image, expected output and exact counters of one job.

Implements architecture.md section 3 (memory formats) and the counter definitions of section 5
under the loop nest of section 4. A testbench builds a :class:`Job`, loads ``pack_job(job)``
into memory and the register file, runs the DUT and compares memory with
``expected_output(job)`` and the counters with ``expected_counters(job)``.

Counting rules (the RTL follows them exactly):

* ``RD_BYTES`` = (number of AXI read beats) x ``AXI_DATA_W/8``. Every stream is fetched exactly
  once per tile group as the whole aligned beats covering ``[addr, addr + len)``, i.e.
  ``beats(addr, len) = (addr + len - 1) // B - addr // B + 1`` (0 when ``len = 0``), with
  ``B = AXI_DATA_W/8``; no beat of a stream is fetched twice. Per tile group ``(ng, mb)``: the
  activation LO plane of block mb (``len = K*b``) and its HO stream (``len = 8 + n_rec*(9-b)``),
  once, broadcast; for every active PEA p (weight block ``nb``): its weight LO plane
  (``len = K*Lw``, ``Lw`` = 5 SBR / 4 plain), its weight HO stream (``len = 8 + n_rec*5``) and,
  when ``bias_en``, its 8 int32 biases (``len = 32`` at ``BIAS_ADDR + 32*nb``). With ``row_q``
  (per-row z and r) the group also reads the row vector of block mb (``len = 16`` at
  ``ROWQ_ADDR + 16*mb``), counted with the activation streams (``JobStats.act_beats``).
* Weight buffer (``WBUF_BYTES`` per PEA, 0 = none; one bank of ``WBUF_BYTES/2`` per weight
  stream): when the worst case of one PEA's larger weight stream,
  ``U = max(align_bus(K*Lw), align_bus(8 + K*5))``, fits a bank, ``2*U <= WBUF_BYTES``
  (:func:`wbuf_fits`), the PEA fetches its LO plane and HO stream over AXI once per n-group (a
  "unit"), stores it and plays it from the buffer for every m-block; with ``4*U <= WBUF_BYTES``
  (:func:`wbuf_slots` = 2) the next n-group's unit is fetched into the other half while the
  current one plays. Otherwise every tile group fetches them as above. Biases are always
  fetched. ``RD_BYTES`` counts AXI beats only; the model-only counter ``WBUF_RD_BYTES`` (no
  register) counts the beats played from the buffers x ``AXI_DATA_W/8``.
* Activation buffer (``ABUF_BYTES``, 0 = none; a LO and an HO bank of ``ABUF_BYTES/2``) and the
  m-tile loop (descriptor ``mt``, :func:`abuf_fits`): with ``mt > 0`` the loop nest is
  ``for m-tile: for ng: for mb in m-tile`` (m-tiles of ``mt`` m-blocks, the last one possibly
  shorter; ``mt >= MB`` is one tile). An m-block's activation streams (row vector, LO plane, HO
  stream) are fetched over AXI once, in the first n-group of its m-tile, stored and played from
  the buffer in every later n-group: the activation part of ``RD_BYTES`` is
  ``sum(act_beats)`` instead of ``NG * sum(act_beats)``. A weight unit that fits the weight
  buffer is fetched once per n-group of each m-tile (``T = ceil(MB/mt)`` times instead of
  once). The model-only counters ``ABUF_RD_BYTES`` / ``ABUF_WR_BYTES`` are the activation beats
  played (every tile group) / stored (once) x ``AXI_DATA_W/8``.
* ``WR_BYTES`` = bytes written with their strobe set; every output byte is written exactly once
  and nothing else is written. INT32: ``M*Np*4``; UINT8: ``M*Np`` (``Np = align8(N)``; rows
  beyond M are not written, padded columns are); UINT8_RLE: for every output block j,
  ``N*out_b`` LO bytes plus the HO stream ``8 + n_rec_j*(9-out_b)`` bytes.
* ``ACT_SKIP`` = sum over tile groups of the activation vectors of block mb that have no record
  (``K - n_rec``); ``WT_SKIP`` = sum over tile groups and active PEAs of ``K - n_rec`` of the
  PEA's weight stream. Both count in every skip mode (DENSE still reads r_eff = 0 streams).
* ``SWO_BUSY`` = ``TILES * K``; ``DWO_BUSY`` = sum over tiles and k of the DWO products of
  architecture.md section 2 (3 in DENSE; ``a*w + a + w`` otherwise, where ``a``/``w`` mean
  "the stream has a record at k", fillers included); ``TILES`` = ``ceil(M/8) * ceil(N/8)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .aqs import (
    MODE_NAMES,
    RowParam,
    aqs_gemm,
    as_column,
    check_row_param,
    effective_r,
    exact_matmul,
    is_per_row,
    parse_mode,
)
from .config import ARCH, CONSTS, ERRORS
from .errors import check_bool, check_int_array, check_int_range
from .regmap import DESCRIPTOR
from .requant import INT32_MAX, INT32_MIN, MULT_MAX, SHIFT_MAX, SHIFT_MIN, add_bias_sat, requantize
from .rle import HEADER_BYTES, decode_stream, encode_stream, pack_lanes, record_mask, unpack_lanes
from .slicing import check_lo_bits, r_max, slice_wt, wt_ho_zero, wt_lo_bits

V: int = int(ARCH.V)
BUS_BYTES: int = int(ARCH.AXI_DATA_W) // 8
DEFAULT_BASE: int = 0x1000
REGION_ALIGN: int = 64
FMT_CODES: dict[str, int] = {
    "int32": int(CONSTS.FMT_INT32),
    "uint8": int(CONSTS.FMT_UINT8),
    "uint8_rle": int(CONSTS.FMT_UINT8_RLE),
}
FMT_NAMES: dict[int, str] = {v: k for k, v in FMT_CODES.items()}
REGION_NAMES: tuple[str, ...] = ("act_lo", "act_ho", "wt_lo", "wt_ho", "bias", "out", "out_ho",
                                  "rowq")
# Per-row quantization vector (MODE.row_q): for every m-block, V entries of two bytes {z_m, r_m},
# row 8*mb + i at byte 2*i of the block's ROWQ_BLOCK_BYTES (rows beyond M hold 0, 0).
ROWQ_BLOCK_BYTES: int = 2 * V
# Block stride of the row vectors: each starts on a beat (16 bytes, 32 at 256 bits).
ROWQ_STRIDE: int = -(-ROWQ_BLOCK_BYTES // BUS_BYTES) * BUS_BYTES
# Descriptor fields: name -> (register, lsb, width), from the generated register map
# (arch.toml [descriptor]). Every encode and decode of a descriptor register goes through it.
DESCRIPTOR_FIELDS: dict[str, tuple[str, int, int]] = {
    name: (f.reg, f.lsb, f.width) for name, f in DESCRIPTOR.items()
}
# The registers holding the descriptor, in descriptor order.
DESCRIPTOR_REGS: tuple[str, ...] = tuple(dict.fromkeys(f.reg for f in DESCRIPTOR.values()))
# Base address register of each memory region (descriptor field "<region>_addr").
ADDR_REGS: dict[str, str] = {
    name.removesuffix("_addr"): DESCRIPTOR[name].reg for name in DESCRIPTOR
    if name.endswith("_addr")
}


def align8(n: int) -> int:
    """Round ``n`` up to a multiple of 8."""
    return -(-n // 8) * 8


def align_bus(n: int) -> int:
    """Round ``n`` up to a whole number of bus beats (``BUS_BYTES``): the stride of every LO
    plane and HO stream and of the row vectors, so each starts on a beat (architecture.md 3)."""
    return -(-n // BUS_BYTES) * BUS_BYTES


def ceil_div(a: int, b: int) -> int:
    """``ceil(a / b)`` for non-negative integers."""
    return -(-a // b)


def parse_fmt(out_fmt: Any) -> int:
    """Output format code: "int32"/0, "uint8"/1, "uint8_rle"/2."""
    if isinstance(out_fmt, str) and out_fmt.lower() in FMT_CODES:
        return FMT_CODES[out_fmt.lower()]
    if isinstance(out_fmt, (int, np.integer)) and not isinstance(out_fmt, bool) \
            and int(out_fmt) in FMT_NAMES:
        return int(out_fmt)
    raise ValueError(f"out_fmt must be one of {tuple(FMT_CODES)} or {sorted(FMT_NAMES)}, "
                     f"got {out_fmt!r}")


@dataclass(frozen=True, eq=False)
class Job:
    """One GEMM job: operands, descriptor fields and (optional) base addresses.

    Addresses left as ``None`` are laid out automatically from ``DEFAULT_BASE`` upwards (after
    any explicitly given region), each on a 64-byte boundary, so regions never overlap.
    ``mult``/``shift``/``zo`` matter only for the UINT8 formats, ``out_r``/``out_b`` only for
    UINT8_RLE, ``r`` only in AQS mode. ``z`` and ``r`` may each be a 1-D array of one value per
    row (per-row activation quantization, descriptor bit ``row_q``): the descriptor then points
    at the row vector (region ``rowq``, :data:`ROWQ_BLOCK_BYTES` per m-block) instead of holding
    z and r. ``mt`` is the descriptor's m-tile (m-blocks per m-tile held in the activation
    buffer, 0 = none; :func:`abuf_fits`, :func:`panacea.cycles.choose_mt` picks one).
    """

    x: npt.NDArray[np.uint8]
    w: npt.NDArray[np.int8]
    z: int | npt.NDArray[np.integer] = 0
    r: int | npt.NDArray[np.integer] = 0
    b: int = int(ARCH.DEFAULT_LO_BITS)
    sbr: bool = True
    mode: str | int = "aqs"
    bias: npt.NDArray[np.int32] | None = None
    out_fmt: str | int = "int32"
    mult: int = 1 << 30
    shift: int = 31
    zo: int = 0
    out_r: int = 0
    out_b: int = int(ARCH.DEFAULT_LO_BITS)
    act_lo_addr: int | None = None
    act_ho_addr: int | None = None
    wt_lo_addr: int | None = None
    wt_ho_addr: int | None = None
    bias_addr: int | None = None
    out_addr: int | None = None
    out_ho_addr: int | None = None
    rowq_addr: int | None = None
    mt: int = 0

    @property
    def M(self) -> int:
        """Rows of x (output rows)."""
        return int(self.x.shape[0])

    @property
    def N(self) -> int:
        """Rows of w (output channels)."""
        return int(self.w.shape[0])

    @property
    def K(self) -> int:
        """Reduction length."""
        return int(self.x.shape[1])

    @property
    def mode_code(self) -> int:
        """Skip mode register code (0, 1, 2)."""
        return parse_mode(self.mode)

    @property
    def fmt_code(self) -> int:
        """Output format register code (0, 1, 2)."""
        return parse_fmt(self.out_fmt)

    @property
    def per_row(self) -> bool:
        """True when z or r is given per row (an array) rather than once per job."""
        return is_per_row(self.z, self.r)

    @property
    def r_eff(self) -> RowParam:
        """Effective residual base: r in AQS, 0 otherwise (an (M,) array for a per-row r)."""
        r = self.r.astype(np.int64) if isinstance(self.r, np.ndarray) else int(self.r)
        return effective_r(self.mode_code, r)

    def with_mode(self, mode: str | int) -> Job:
        """The same job in another skip mode."""
        return dataclasses.replace(self, mode=mode)


def validate_job(job: Job) -> None:
    """Raise ``ValueError`` (naming the field and the allowed range) for an illegal job."""
    max_dim = int(ARCH.MAX_DIM)
    check_int_array("x", job.x, 2, 0, 255, (np.uint8,))
    check_int_array("w", job.w, 2, -128, 127, (np.int8,))
    for name, val in (("M", job.M), ("N", job.N), ("K", job.K)):
        check_int_range(name, val, 1, max_dim)
    if job.w.shape[1] != job.K:
        raise ValueError(f"w must have K = x.shape[1] = {job.K} columns, got {job.w.shape}")
    check_row_param("z", job.z, job.M, 0, 255)
    b = check_lo_bits(job.b)
    check_row_param("r", job.r, job.M, 0, r_max(b))
    check_bool("sbr", job.sbr)
    parse_mode(job.mode)
    fmt = job.fmt_code
    if job.bias is not None:
        check_int_array("bias", job.bias, 1, INT32_MIN, INT32_MAX, (np.int32,))
        if job.bias.shape[0] != job.N:
            raise ValueError(f"bias must have N = {job.N} entries, got {job.bias.shape[0]}")
    if fmt != FMT_CODES["int32"]:
        check_int_range("mult", job.mult, 1, MULT_MAX)
        check_int_range("shift", job.shift, SHIFT_MIN, SHIFT_MAX)
        check_int_range("zo", job.zo, 0, 255)
    if fmt == FMT_CODES["uint8_rle"]:
        ob = check_lo_bits(job.out_b, "out_b")
        check_int_range("out_r", job.out_r, 0, r_max(ob))
    for reg in ADDR_REGS:
        a = getattr(job, f"{reg}_addr")
        if a is not None:
            check_int_range(f"{reg}_addr", a, 0, 2**32 - 1)
            if a % BUS_BYTES:
                raise ValueError(f"{reg}_addr must be a multiple of the bus width "
                                 f"({BUS_BYTES} bytes), got {a:#x}")
    check_int_range("mt", job.mt, 0, 2**16 - 1)
    if job.mt and not abuf_fits(job.M, job.K, int(job.b), job.per_row, job.mt):
        hi = abuf_mt_max(job.M, job.K, int(job.b), job.per_row)
        raise ValueError(f"mt = {job.mt} m-blocks do not fit the {abuf_capacity()}-byte "
                         f"activation buffer (largest: {hi})")
    spans = sorted((a, a + s, n) for n, (a, s) in region_layout(job).items() if s)
    for (a0, e0, n0), (a1, _, n1) in zip(spans, spans[1:], strict=False):
        if a1 < e0:
            raise ValueError(f"{n1}_addr {a1:#x} overlaps region {n0} [{a0:#x}, {e0:#x})")
    if spans and spans[-1][1] > 2**32:
        raise ValueError(f"region {spans[-1][2]} must end below 2^32, ends at {spans[-1][1]:#x}")


def region_sizes(job: Job) -> dict[str, int]:
    """Byte size of every region (0 for regions the job does not use)."""
    m, n, k, b = job.M, job.N, job.K, int(job.b)
    mb, nb, np_ = ceil_div(m, V), ceil_div(n, V), align8(n)
    lw = wt_lo_bits(bool(job.sbr))
    fmt = job.fmt_code
    if fmt == FMT_CODES["int32"]:
        out, out_ho = mb * V * np_ * 4, 0
    elif fmt == FMT_CODES["uint8"]:
        out, out_ho = mb * V * np_, 0
    else:
        ob = int(job.out_b)
        out, out_ho = mb * align_bus(n * ob), mb * align_bus(HEADER_BYTES + n * (9 - ob))
    return {
        "act_lo": mb * align_bus(k * b),
        "act_ho": mb * align_bus(HEADER_BYTES + k * (9 - b)),
        "wt_lo": nb * align_bus(k * lw),
        "wt_ho": nb * align_bus(HEADER_BYTES + k * 5),
        "bias": 4 * np_ if job.bias is not None else 0,
        "out": out,
        "out_ho": out_ho,
        "rowq": mb * ROWQ_STRIDE if job.per_row else 0,
    }


def region_layout(job: Job) -> dict[str, tuple[int, int]]:
    """``{region: (address, size)}`` with automatic addresses filled in."""
    sizes = region_sizes(job)
    given = {r: getattr(job, f"{r}_addr") for r in REGION_NAMES}
    nxt = max([DEFAULT_BASE] + [a + sizes[r] for r, a in given.items() if a is not None])
    layout: dict[str, tuple[int, int]] = {}
    for r in REGION_NAMES:
        a = given[r]
        if a is None:
            a = ceil_div(nxt, REGION_ALIGN) * REGION_ALIGN
            nxt = a + sizes[r]
        layout[r] = (int(a), sizes[r])
    return layout


@dataclass(frozen=True)
class ActImage:
    """Sliced, padded activation operand: LO planes and HO streams of its blocks of 8 rows."""

    lo: npt.NDArray[np.uint8]        # (MB, K*b) packed LO planes
    ho: list[bytes]                  # MB HO streams
    live: npt.NDArray[np.bool_]      # (MB, K) record positions
    n_records: npt.NDArray[np.int64]  # (MB,)


def _pad_rows(v: RowParam, m: int, fill: int) -> int | npt.NDArray[np.int64]:
    """A per-row array padded to whole m-blocks with ``fill``; a scalar unchanged."""
    if not isinstance(v, np.ndarray):
        return int(v)
    out = np.full(ceil_div(m, V) * V, fill, np.int64)
    out[:m] = v
    return out


def act_image(x: npt.NDArray[np.uint8], b: int, r_eff: RowParam) -> ActImage:
    """Slice ``x`` (M, K) into blocks of 8 rows; rows beyond M hold ``r_eff << b`` (0 for a
    per-row ``r_eff``, whose padded rows have r = 0)."""
    m, k = x.shape
    mb = ceil_div(m, V)
    rp = _pad_rows(r_eff, m, 0)
    xp = np.zeros((mb * V, k), np.int64) + (as_column(rp) << b)
    xp[:m] = x
    vec = xp.reshape(mb, V, k).transpose(0, 2, 1).reshape(mb * k, V)  # (MB*K, 8) vectors
    lo = np.frombuffer(pack_lanes(vec & ((1 << b) - 1), b), np.uint8).reshape(mb, k * b)
    hl = 8 - b
    lane_r = np.tile(rp.reshape(mb, 1, V), (1, k, 1)).reshape(mb * k, V) \
        if isinstance(rp, np.ndarray) else rp
    pay = ((vec >> b) - lane_r) & ((1 << hl) - 1)
    ho = [encode_stream(pay[j * k:(j + 1) * k], hl) for j in range(mb)]
    live = record_mask(~np.any(pay.reshape(mb, k, V) != 0, axis=2))
    return ActImage(lo=lo, ho=ho, live=live, n_records=live.sum(axis=1).astype(np.int64))


def decode_act_image(lo_region: bytes, ho_region: bytes, M: int, K: int, b: int,
                     r_eff: RowParam) -> npt.NDArray[np.uint8]:
    """Rebuild the (M, K) uint8 activations from their LO plane and HO stream regions
    (``r_eff`` per row: an (M,) array)."""
    mb, hl = ceil_div(M, V), 8 - b
    lo_stride, ho_stride = align_bus(K * b), align_bus(HEADER_BYTES + K * (1 + hl))
    rp = _pad_rows(r_eff, M, 0)
    x = np.empty((mb, V, K), np.int64)
    for j in range(mb):
        xl = unpack_lanes(lo_region[j * lo_stride:j * lo_stride + K * b], K, b, signed=False)
        pay = decode_stream(ho_region[j * ho_stride:(j + 1) * ho_stride], K, hl).payload
        rj = rp[j * V:(j + 1) * V] if isinstance(rp, np.ndarray) else rp
        x[j] = ((((pay + rj) & ((1 << hl) - 1)) << b) | xl).T
    return x.reshape(mb * V, K)[:M].astype(np.uint8)


@dataclass(frozen=True)
class WtImage:
    """Sliced, padded weight operand: LO planes and HO streams of its blocks of 8 channels."""

    lo: npt.NDArray[np.uint8]        # (NB, K*Lw)
    ho: list[bytes]                  # NB HO streams
    live: npt.NDArray[np.bool_]      # (NB, K)
    n_records: npt.NDArray[np.int64]  # (NB,)


def wt_image(w: npt.NDArray[np.int8], sbr: bool) -> WtImage:
    """Slice ``w`` (N, K) into blocks of 8 channels; channels beyond N hold 0."""
    n, k = w.shape
    nb, lw = ceil_div(n, V), wt_lo_bits(sbr)
    wp = np.zeros((nb * V, k), np.int8)
    wp[:n] = w
    wh, wl = slice_wt(wp, sbr)
    whv = wh.reshape(nb, V, k).transpose(0, 2, 1).reshape(nb * k, V)
    wlv = wl.reshape(nb, V, k).transpose(0, 2, 1).reshape(nb * k, V)
    lo = np.frombuffer(pack_lanes(wlv, lw), np.uint8).reshape(nb, k * lw)
    pay = whv & 15
    ho = [encode_stream(pay[j * k:(j + 1) * k], 4) for j in range(nb)]
    live = record_mask(~np.any(pay.reshape(nb, k, V) != 0, axis=2))
    return WtImage(lo=lo, ho=ho, live=live, n_records=live.sum(axis=1).astype(np.int64))


def decode_wt_image(lo_region: bytes, ho_region: bytes, N: int, K: int,
                    sbr: bool) -> npt.NDArray[np.int8]:
    """Rebuild the (N, K) int8 weights from their LO plane and HO stream regions."""
    nb, lw = ceil_div(N, V), wt_lo_bits(sbr)
    lo_stride, ho_stride = align_bus(K * lw), align_bus(HEADER_BYTES + K * 5)
    w = np.empty((nb, V, K), np.int64)
    for j in range(nb):
        wl = unpack_lanes(lo_region[j * lo_stride:j * lo_stride + K * lw], K, lw, signed=sbr)
        pay = decode_stream(ho_region[j * ho_stride:(j + 1) * ho_stride], K, 4).payload
        wh = np.where(pay >= 8, pay - 16, pay)
        w[j] = (16 * wh + wl).T
    return w.reshape(nb * V, K)[:N].astype(np.int8)


def _place(blocks: list[bytes] | npt.NDArray[np.uint8], stride: int, size: int) -> bytes:
    """Zero-filled region of ``size`` bytes with block j at offset ``j * stride``."""
    buf = bytearray(size)
    for j, blk in enumerate(blocks):
        data = bytes(blk)
        buf[j * stride:j * stride + len(data)] = data
    return bytes(buf)


@dataclass(frozen=True)
class MemImage:
    """``regions``: name -> (address, bytes), all names of ``REGION_NAMES`` present (unused
    regions have no bytes; ``out``/``out_ho`` are zero-filled). ``regs``: descriptor register
    name -> 32-bit value."""

    regions: dict[str, tuple[int, bytes]]
    regs: dict[str, int]


def decode_descriptor(regs: Mapping[str, int]) -> dict[str, int]:
    """Field values (:data:`DESCRIPTOR_FIELDS`) of descriptor register values, each masked to
    its width as the hardware sees it."""
    return {name: f.get(regs[f.reg]) for name, f in DESCRIPTOR.items()}


def encode_descriptor(fields: Mapping[str, int],
                      regs: Mapping[str, int] | None = None) -> dict[str, int]:
    """Register values with ``fields`` set (each masked to its width), starting from ``regs``
    (other bits kept) or from zero; the inverse of :func:`decode_descriptor`."""
    out = {reg: 0 for reg in DESCRIPTOR_REGS} if regs is None else dict(regs)
    for name, v in fields.items():
        f = DESCRIPTOR[name]
        out[f.reg] = f.put(out[f.reg], v)
    return out


def descriptor_regs(job: Job) -> dict[str, int]:
    """Register values (architecture.md section 5) that describe ``job``; a per-row job sets
    ``row_q`` and leaves ``z`` and ``r`` 0 (they come from the row vector)."""
    lay = region_layout(job)
    row_q = job.per_row
    fields = {
        "M": job.M, "N": job.N, "K": job.K, "skip": job.mode_code, "sbr": int(bool(job.sbr)),
        "bias_en": int(job.bias is not None), "fmt": job.fmt_code, "row_q": int(row_q),
        "z": 0 if row_q else job.z, "r": 0 if row_q else job.r, "b": job.b,
        "zo": job.zo, "out_r": job.out_r, "out_b": job.out_b,
        "mult": job.mult, "shift": job.shift, "mt": job.mt,
        **{f"{name}_addr": lay[name][0] for name in ADDR_REGS},
    }
    return encode_descriptor(fields)


def rowq_vector(job: Job) -> bytes:
    """The row vector of a per-row job (region ``rowq``): {z_m, r_m} bytes per row, each
    m-block's :data:`ROWQ_BLOCK_BYTES` at a stride of :data:`ROWQ_STRIDE` (zeros between). The
    RTL forms the compensation coefficient 2^b*r_m - z_m itself (it needs r_m anyway to decode
    the HO residuals)."""
    m = job.M
    z = np.broadcast_to(np.asarray(job.z, np.int64), (m,))
    r = np.broadcast_to(np.asarray(job.r, np.int64), (m,))
    vec = np.zeros((ceil_div(m, V) * V, 2), np.uint8)
    vec[:m, 0], vec[:m, 1] = z, r
    return _place(vec.reshape(-1, ROWQ_BLOCK_BYTES), ROWQ_STRIDE, ceil_div(m, V) * ROWQ_STRIDE)


def pack_job(job: Job) -> MemImage:
    """Memory image (input regions plus zero-filled output regions) and registers of ``job``
    (a per-row job's image holds its row vector, region ``rowq``)."""
    validate_job(job)
    lay = region_layout(job)
    b, k, lw = int(job.b), job.K, wt_lo_bits(bool(job.sbr))
    act = act_image(job.x, b, job.r_eff)
    wt = wt_image(job.w, bool(job.sbr))
    data = {
        "act_lo": _place(act.lo, align_bus(k * b), lay["act_lo"][1]),
        "act_ho": _place(act.ho, align_bus(HEADER_BYTES + k * (9 - b)), lay["act_ho"][1]),
        "wt_lo": _place(wt.lo, align_bus(k * lw), lay["wt_lo"][1]),
        "wt_ho": _place(wt.ho, align_bus(HEADER_BYTES + k * 5), lay["wt_ho"][1]),
        "bias": b"",
        "out": bytes(lay["out"][1]),
        "out_ho": bytes(lay["out_ho"][1]),
        "rowq": rowq_vector(job) if job.per_row else b"",
    }
    if job.bias is not None:
        bp = np.zeros(align8(job.N), "<i4")
        bp[:job.N] = job.bias
        data["bias"] = bp.tobytes()
    return MemImage(regions={r: (lay[r][0], data[r]) for r in REGION_NAMES},
                    regs=descriptor_regs(job))


@dataclass(frozen=True)
class ExpectedOutput:
    """What the accelerator must leave in memory, plus the arrays behind it.

    ``regions``: ``{"out": bytes, "out_ho": bytes}``, each exactly the size of the region in the
    image (bytes the DUT must not write stay 0). ``y`` (M, N) int64 GEMM, ``s`` (M, N) int32
    after bias, ``out`` (M, N) the output values (int32 ``s`` or uint8).
    """

    regions: dict[str, bytes]
    y: npt.NDArray[np.int64]
    s: npt.NDArray[np.int32]
    out: npt.NDArray[np.int32] | npt.NDArray[np.uint8]


def _outputs(job: Job) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32],
                                npt.NDArray[np.int32] | npt.NDArray[np.uint8]]:
    """``(y, s_padded (M, Np), out_padded (M, Np))`` of a validated job."""
    y = aqs_gemm(job.x, job.w, job.z, job.r, int(job.b), bool(job.sbr), job.mode).y
    np_ = align8(job.N)
    yp = np.zeros((job.M, np_), np.int64)
    yp[:, :job.N] = y
    bias = np.zeros(np_, np.int32)
    if job.bias is not None:
        bias[:job.N] = job.bias
    s = add_bias_sat(yp, bias)
    if job.fmt_code == FMT_CODES["int32"]:
        return y, s, s
    return y, s, requantize(s, int(job.mult), int(job.shift), int(job.zo))


def expected_output(job: Job) -> ExpectedOutput:
    """Exact bytes of the output regions after the job (see :class:`ExpectedOutput`); per-row
    jobs included."""
    validate_job(job)
    lay = region_layout(job)
    y, s, out = _outputs(job)
    n, fmt = job.N, job.fmt_code
    regions = {"out": bytearray(lay["out"][1]), "out_ho": bytearray(lay["out_ho"][1])}
    if fmt == FMT_CODES["int32"]:
        raw = out.astype("<i4").tobytes()
        regions["out"][:len(raw)] = raw
    elif fmt == FMT_CODES["uint8"]:
        raw = out.astype(np.uint8).tobytes()
        regions["out"][:len(raw)] = raw
    else:
        ob = int(job.out_b)
        img = act_image(out[:, :n].astype(np.uint8), ob, int(job.out_r))
        regions["out"][:] = _place(img.lo, align_bus(n * ob), lay["out"][1])
        regions["out_ho"][:] = _place(img.ho, align_bus(HEADER_BYTES + n * (9 - ob)),
                                      lay["out_ho"][1])
    return ExpectedOutput(regions={k: bytes(v) for k, v in regions.items()}, y=y,
                          s=s[:, :n].copy(), out=out[:, :n].copy())


def decode_output(job: Job, region_bytes: Mapping[str, bytes]) -> npt.NDArray[Any]:
    """Turn the output region(s) read back from memory into the (M, N) output matrix.

    INT32 -> int32, UINT8 and UINT8_RLE -> uint8. ``region_bytes`` maps "out" (and "out_ho" for
    UINT8_RLE) to the bytes from each region's base address on.
    """
    m, n, np_, fmt = job.M, job.N, align8(job.N), job.fmt_code
    out = region_bytes["out"]
    if fmt == FMT_CODES["int32"]:
        return np.frombuffer(out, "<i4", count=m * np_).reshape(m, np_)[:, :n].astype(np.int32)
    if fmt == FMT_CODES["uint8"]:
        return np.frombuffer(out, np.uint8, count=m * np_).reshape(m, np_)[:, :n].copy()
    return decode_act_image(out, region_bytes["out_ho"], m, n, int(job.out_b), int(job.out_r))


def wbuf_capacity(wbuf_bytes: int | None = None) -> int:
    """Per-PEA weight-buffer bytes: ``wbuf_bytes`` if given, else ``arch.toml`` ``WBUF_BYTES``."""
    cap = int(ARCH.WBUF_BYTES) if wbuf_bytes is None else wbuf_bytes
    check_int_range("wbuf_bytes", cap, 0, 2**31 - 1)
    if cap % 32:
        raise ValueError(f"wbuf_bytes must be a multiple of 32 (two banks of two slots of whole "
                         f"8-byte words), got {cap}")
    return int(cap)


def wbuf_need_bytes(K: int, sbr: bool) -> int:
    """Worst-case bytes of one PEA's larger weight stream (LO plane, or HO stream with K
    records): what one bank slot must hold."""
    return max(align_bus(K * wt_lo_bits(sbr)), align_bus(HEADER_BYTES + K * 5))


def wbuf_slots(K: int, sbr: bool, wbuf_bytes: int | None = None) -> int:
    """Weight-buffer slots a job uses: 2 (prefetch the next n-group), 1, or 0 (no fit)."""
    need, cap = wbuf_need_bytes(K, sbr), wbuf_capacity(wbuf_bytes)
    return 2 if 4 * need <= cap else 1 if 2 * need <= cap else 0


def wbuf_fits(job: Job, wbuf_bytes: int | None = None) -> bool:
    """True when the weight streams are played from the per-PEA buffer (architecture.md 3)."""
    return wbuf_slots(job.K, bool(job.sbr), wbuf_bytes) > 0


def abuf_capacity() -> int:
    """Activation-buffer bytes of the build (``arch.toml`` ``ABUF_BYTES``; 0 = none)."""
    return int(ARCH.ABUF_BYTES)


def abuf_unit_bytes(K: int, b: int, row_q: bool) -> tuple[int, int]:
    """Worst-case bytes one m-block's activation streams take in the (LO, HO) banks: the LO
    plane (and the row vector with ``row_q``), the HO stream with K records."""
    return (align_bus(K * b) + (ROWQ_STRIDE if row_q else 0),
            align_bus(HEADER_BYTES + K * (9 - b)))


def abuf_mt_max(M: int, K: int, b: int, row_q: bool) -> int:
    """Most m-blocks whose worst-case activation streams fit the buffer's banks, at most
    ``MB`` (0 without a buffer or when one m-block does not fit)."""
    check_int_range("K", K, 1, int(ARCH.MAX_DIM))
    check_lo_bits(b)
    bank = abuf_capacity() // 2
    lo, ho = abuf_unit_bytes(K, b, row_q)
    return min(ceil_div(M, V), bank // lo, bank // ho)


def abuf_fits(M: int, K: int, b: int, row_q: bool, mt: int) -> bool:
    """True when ``mt`` > 0 m-blocks (``min(mt, MB)``: ``mt >= MB`` is one m-tile) fit the
    activation buffer; the descriptor's BAD_BLOCK rule is ``mt > 0 and not abuf_fits``."""
    return mt > 0 and min(mt, ceil_div(M, V)) <= abuf_mt_max(M, K, b, row_q)


def _beats(addr: npt.NDArray[np.int64], length: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Aligned AXI beats covering ``[addr, addr + length)`` (0 for empty ranges)."""
    nb = (addr + length - 1) // BUS_BYTES - addr // BUS_BYTES + 1
    return np.where(length > 0, nb, 0).astype(np.int64)


@dataclass(frozen=True)
class JobStats:
    """Per-block and per-tile quantities behind the counters and the cycle model.

    ``act_beats`` (MB,): read beats of activation block mb per tile group;
    ``wt_beats`` (NB,): read beats of weight block nb (LO, HO, bias) in a tile group that
    fetches its weight streams; ``wt_stream_beats`` (NB,): the LO plane and HO stream part of
    them (what a weight buffer stores and plays); ``wbuf_fits``: they are fetched once per
    n-group and played from the buffer (``wbuf_bytes`` is the capacity used, ``wbuf_slots`` 2
    when the next n-group's streams are prefetched, 1, or 0);
    ``abuf_mt``: m-blocks per m-tile (``min(mt, MB)``; 0 = no activation buffer, the
    activation streams are fetched in every tile group);
    ``dwo`` (MB, NB): DWO products of tile (mb, nb); ``wr_bytes`` (MB, NB): bytes the drain of
    tile (mb, nb) writes; ``b``, ``sbr``, ``out_fmt`` (register code), ``out_b`` and ``bias_en``
    are the job's descriptor fields the cycle model needs.
    """

    M: int
    N: int
    K: int
    mode: int
    act_live: npt.NDArray[np.bool_]
    wt_live: npt.NDArray[np.bool_]
    act_beats: npt.NDArray[np.int64]
    wt_beats: npt.NDArray[np.int64]
    wt_stream_beats: npt.NDArray[np.int64]
    wbuf_bytes: int
    wbuf_fits: bool
    wbuf_slots: int
    abuf_mt: int
    dwo: npt.NDArray[np.int64]
    wr_bytes: npt.NDArray[np.int64]
    counters: dict[str, int] = field(default_factory=dict)
    b: int = int(ARCH.DEFAULT_LO_BITS)
    sbr: bool = True
    out_fmt: int = 0
    out_b: int = int(ARCH.DEFAULT_LO_BITS)
    bias_en: bool = False

    @property
    def m_tiles(self) -> int:
        """m-tiles of the loop nest (1 without the activation buffer)."""
        return ceil_div(ceil_div(self.M, V), self.abuf_mt) if self.abuf_mt else 1

    @property
    def act_fetch_ngroups(self) -> int:
        """n-groups that fetch each activation block over AXI (1 with the activation buffer)."""
        return 1 if self.abuf_mt else ceil_div(ceil_div(self.N, V), int(ARCH.NUM_PEA))

    @property
    def wt_fetch_mblocks(self) -> int:
        """m-blocks per n-group that fetch the weight streams over AXI (one per m-tile with the
        weight buffer)."""
        return self.m_tiles if self.wbuf_fits else ceil_div(self.M, V)

    @property
    def wt_rd_beats(self) -> int:
        """AXI read beats of the weight regions (LO, HO, bias) over the whole job."""
        mb = ceil_div(self.M, V)
        bias = int((self.wt_beats - self.wt_stream_beats).sum())
        return mb * bias + self.wt_fetch_mblocks * int(self.wt_stream_beats.sum())


def job_stats(job: Job, wbuf_bytes: int | None = None) -> JobStats:
    """Compute :class:`JobStats` (and the exact counters) for a job; see the module docstring.

    ``wbuf_bytes`` overrides the per-PEA weight-buffer capacity of ``arch.toml`` (``WBUF_BYTES``).
    """
    validate_job(job)
    cap = wbuf_capacity(wbuf_bytes)
    slots = wbuf_slots(job.K, bool(job.sbr), cap)
    fits = slots > 0
    lay = region_layout(job)
    m, n, k, b = job.M, job.N, job.K, int(job.b)
    mb, nb = ceil_div(m, V), ceil_div(n, V)
    amt = min(job.mt, mb)
    ng = ceil_div(nb, int(ARCH.NUM_PEA))
    lw = wt_lo_bits(bool(job.sbr))
    r_eff = job.r_eff

    xp = np.zeros((mb * V, k), np.int64)  # residuals; padded rows are 0
    xp[:m] = (job.x.astype(np.int64) >> b) - as_column(r_eff)
    act_live = record_mask(np.all(xp.reshape(mb, V, k) == 0, axis=1))
    wp = np.zeros((nb * V, k), np.int8)
    wp[:n] = job.w
    wt_live = record_mask(np.all(wt_ho_zero(wp, bool(job.sbr)).reshape(nb, V, k), axis=1))
    act_rec = act_live.sum(axis=1).astype(np.int64)
    wt_rec = wt_live.sum(axis=1).astype(np.int64)

    jm, jn = np.arange(mb, dtype=np.int64), np.arange(nb, dtype=np.int64)
    act_beats = (
        _beats(lay["act_lo"][0] + jm * align_bus(k * b), np.full(mb, k * b, np.int64))
        + _beats(lay["act_ho"][0] + jm * align_bus(HEADER_BYTES + k * (9 - b)),
                 HEADER_BYTES + act_rec * (9 - b)))
    if job.per_row:
        act_beats = act_beats + _beats(lay["rowq"][0] + jm * ROWQ_STRIDE,
                                       np.full(mb, ROWQ_BLOCK_BYTES, np.int64))
    wt_stream_beats = (
        _beats(lay["wt_lo"][0] + jn * align_bus(k * lw), np.full(nb, k * lw, np.int64))
        + _beats(lay["wt_ho"][0] + jn * align_bus(HEADER_BYTES + k * 5), HEADER_BYTES + wt_rec * 5))
    wt_beats = wt_stream_beats
    if job.bias is not None:
        wt_beats = wt_beats + _beats(lay["bias"][0] + 32 * jn, np.full(nb, 32, np.int64))

    if job.mode_code == int(CONSTS.SKIP_DENSE):
        dwo = np.full((mb, nb), 3 * k, np.int64)
    else:
        dwo = exact_matmul(act_live.astype(np.int64), wt_live.astype(np.int64))
        dwo += act_rec[:, None] + wt_rec[None, :]

    rows = np.minimum(V, m - V * jm)  # valid rows of each m-block
    cols = np.minimum(V, n - V * jn)  # valid columns of each n-block
    fmt = job.fmt_code
    if fmt == FMT_CODES["int32"]:
        wr = np.outer(rows, np.full(nb, 4 * V, np.int64))
    elif fmt == FMT_CODES["uint8"]:
        wr = np.outer(rows, np.full(nb, V, np.int64))
    else:
        ob = int(job.out_b)
        out = _outputs(job)[2][:, :n].astype(np.int64)
        op = np.full((mb * V, n), int(job.out_r), np.int64)
        op[:m] = out >> ob
        o_live = record_mask(np.all(op.reshape(mb, V, n) == int(job.out_r), axis=1))
        lp = np.zeros((mb, nb * V), np.int64)
        lp[:, :n] = o_live
        wr = cols[None, :] * ob + lp.reshape(mb, nb, V).sum(axis=2) * (9 - ob)
        wr[:, -1] += HEADER_BYTES

    tiles = mb * nb
    # m-blocks per n-group that fetch the weight streams: one per m-tile with the weight buffer
    fetch_mb = (ceil_div(mb, amt) if amt else 1) if fits else mb
    act_ng = 1 if amt else ng  # n-groups that fetch each activation block
    stream_total = int(wt_stream_beats.sum())
    act_total = int(act_beats.sum())
    bias_total = int((wt_beats - wt_stream_beats).sum())
    counters = {
        "TILES": tiles,
        "SWO_BUSY": tiles * k,
        "DWO_BUSY": int(dwo.sum()),
        "ACT_SKIP": ng * int((k - act_rec).sum()),
        "WT_SKIP": mb * int((k - wt_rec).sum()),
        "RD_BYTES": BUS_BYTES * (act_ng * act_total + mb * bias_total
                                 + fetch_mb * stream_total),
        "WR_BYTES": int(wr.sum()),
        "WBUF_RD_BYTES": BUS_BYTES * mb * stream_total if fits else 0,
        "ABUF_RD_BYTES": BUS_BYTES * ng * act_total if amt else 0,
        "ABUF_WR_BYTES": BUS_BYTES * act_total if amt else 0,
    }
    counters = {name: min(v, 2**32 - 1) for name, v in counters.items()}
    return JobStats(M=m, N=n, K=k, mode=job.mode_code, act_live=act_live, wt_live=wt_live,
                    act_beats=act_beats, wt_beats=wt_beats, wt_stream_beats=wt_stream_beats,
                    wbuf_bytes=cap, wbuf_fits=fits, wbuf_slots=slots, abuf_mt=amt, dwo=dwo,
                    wr_bytes=wr,
                    counters=counters,
                    b=b, sbr=bool(job.sbr), out_fmt=fmt, out_b=int(job.out_b),
                    bias_en=job.bias is not None)


def expected_counters(job: Job, wbuf_bytes: int | None = None) -> dict[str, int]:
    """Exact SWO_BUSY, DWO_BUSY, ACT_SKIP, WT_SKIP, RD_BYTES, WR_BYTES and TILES of ``job``
    (saturated at 2^32 - 1 like the hardware), plus the model-only WBUF_RD_BYTES (bytes played
    from the weight buffers), ABUF_RD_BYTES and ABUF_WR_BYTES (activation bytes played from and
    stored into the activation buffer; no registers); rules in the module docstring. ``wbuf_bytes``
    overrides ``arch.toml`` ``WBUF_BYTES``."""
    return dict(job_stats(job, wbuf_bytes).counters)


def descriptor_error(regs: Mapping[str, int]) -> int:
    """Error code (arch.toml [errors]) the hardware reports for a descriptor, 0 if legal.

    Fields are taken from the register values masked to their widths (section 5). When several
    errors apply the lowest code wins: BAD_DIM, BAD_MODE, BAD_LO_BITS, BAD_R, MISALIGNED, BAD_RQ,
    BAD_BLOCK (``mt > 0`` and ``min(mt, MB)`` m-blocks' worst-case activation streams do not fit
    the activation buffer's banks, :func:`abuf_fits`; always with ``ABUF_BYTES = 0``).
    With ``row_q`` the ACT_Q r field is not used (no BAD_R from it) and ``rowq_addr`` must be
    aligned; the r of each row is not checked by the hardware (the host's job).
    ``regs`` must hold every register of ``DESCRIPTOR_REGS``.
    """
    missing = [r for r in DESCRIPTOR_REGS if r not in regs]
    if missing:
        raise ValueError(f"regs must hold every descriptor register; missing {missing}")
    f = decode_descriptor(regs)
    skip, bias_en, fmt = f["skip"], f["bias_en"], f["fmt"]
    r, b, out_r, out_b = f["r"], f["b"], f["out_r"], f["out_b"]
    rle = fmt == FMT_CODES["uint8_rle"]
    dims = [f["M"], f["N"], f["K"]]
    if any(not 1 <= d <= int(ARCH.MAX_DIM) for d in dims):
        return int(ERRORS.BAD_DIM)
    if skip == 3 or fmt == 3:
        return int(ERRORS.BAD_MODE)
    if b not in (3, 4, 5) or (rle and out_b not in (3, 4, 5)):
        return int(ERRORS.BAD_LO_BITS)
    row_q = f["row_q"]
    if (skip == int(CONSTS.SKIP_AQS) and not row_q and r > r_max(b)) \
            or (rle and out_r > r_max(out_b)):
        return int(ERRORS.BAD_R)
    used = (["act_lo", "act_ho", "wt_lo", "wt_ho", "out"] + ["bias"] * bias_en
            + ["out_ho"] * rle + ["rowq"] * row_q)
    if any(f[f"{a}_addr"] % BUS_BYTES for a in used):
        return int(ERRORS.MISALIGNED)
    mult, shift = f["mult"], f["shift"]
    if fmt != FMT_CODES["int32"] and (mult == 0 or not 1 <= shift <= 62):
        return int(ERRORS.BAD_RQ)
    if f["mt"] and not abuf_fits(f["M"], f["K"], b, bool(row_q), f["mt"]):
        return int(ERRORS.BAD_BLOCK)
    return int(ERRORS.OK)


__all__ = [
    "ActImage", "DESCRIPTOR_FIELDS", "DESCRIPTOR_REGS", "ExpectedOutput", "FMT_CODES",
    "FMT_NAMES", "Job", "JobStats", "MODE_NAMES", "MemImage",
    "ROWQ_BLOCK_BYTES", "WtImage", "abuf_capacity", "abuf_fits", "abuf_mt_max", "abuf_unit_bytes",
    "act_image", "decode_act_image", "decode_descriptor", "decode_output",
    "decode_wt_image", "descriptor_error", "descriptor_regs", "encode_descriptor",
    "expected_counters", "expected_output", "job_stats", "pack_job", "region_layout",
    "region_sizes", "rowq_vector", "validate_job", "wbuf_capacity", "wbuf_fits",
    "wbuf_need_bytes", "wbuf_slots", "wt_image",
]
