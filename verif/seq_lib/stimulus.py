"""Stimulus: a :class:`~verif.seq_lib.job_gen.JobSpec` packed into what the job driver loads.

Packing uses the model's host tool (``panacea.memimage.pack_job``); what is computed here is
test mechanics only: where the regions are placed, which descriptor field a negative test
breaks (through the model's field encoder), which stream header it corrupts and which address
window answers with SLVERR.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from panacea import memimage as mi
from panacea.config import ARCH
from panacea.errors import StreamCorruptError
from panacea.rle import decode_stream, pack_header, unpack_header

from .job_gen import DESCRIPTOR_ILLEGAL, JobSpec

MEM_SIZE = 1 << 24  # AXI RAM of the top-level benches; every placement but "wide" stays below it
ADDR_SPACE = 1 << 32  # AXI RAM of the pyuvm env (both models sparse): no aliasing
BUS_BYTES = int(ARCH.AXI_DATA_W) // 8
RLE_FMT = mi.FMT_CODES["uint8_rle"]
# JobSpec fields that are model Job fields of the same name (sbr is made a bool)
JOB_FIELDS = ("x", "w", "z", "r", "b", "mode", "bias", "out_fmt", "mult", "shift", "zo", "out_r",
              "out_b", "mt")  # fmt: skip


def _layout_addresses(spec: JobSpec, job: mi.Job, rng: np.random.Generator | None) -> dict:
    """Explicit region addresses for the job's placement (``packed`` keeps the model's)."""
    if spec.placement == "packed":
        return {}
    sizes = mi.region_sizes(job)
    if spec.placement in ("wide", "wide_mirror"):
        return _wide_addresses(spec, job, sizes)
    rng = rng or np.random.default_rng(0)
    # the row vector exists only for a per-row job (others keep their placement draws)
    names = [n for n in mi.REGION_NAMES if n != "rowq" or job.per_row]
    if spec.placement == "random":
        rng.shuffle(names)
    addr = spec.base
    out = {}
    # "high": distinct tags in bits 31..24, all-ones for the first region so every address bit
    # is 1 somewhere; the low 24 bits are laid out as "gapped", so no two regions alias
    tags = [0xFF] + [int(t) for t in rng.permutation(np.arange(1, 0xFF))[: len(names) - 1]]
    for i, name in enumerate(names):
        if spec.placement in ("page_edge", "page_edge_short"):
            # start 1..7 beats (short: 1 or 2) before the next 4 KiB boundary: bursts must
            # split there, the short ones into a first burst of one or two beats
            page = (addr + 0xFFF) // 0x1000 * 0x1000 + 0x1000
            addr = page - BUS_BYTES * int(
                rng.integers(1, 3 if spec.placement == "page_edge_short" else 8)
            )
        out[f"{name}_addr"] = addr | (tags[i] << 24 if spec.placement == "high" else 0)
        gap = (
            BUS_BYTES * int(rng.integers(0, 64))
            if spec.placement in ("gapped", "random", "high")
            else 0
        )
        addr = addr + mi.align_bus(sizes[name]) + gap
    assert addr < MEM_SIZE, "placement overflows the memory model"
    return out


def _wide_addresses(spec: JobSpec, job: mi.Job, sizes: dict) -> dict:
    """Every region at its own uniformly drawn bus-aligned address anywhere in the 32-bit space
    (redrawn until no two overlap), from a generator seeded by ``spec.base`` so that
    "wide_mirror" can place each region at the mirror image ``2^32 - addr - size`` of the same
    draw: a "wide" job and its mirror together set nearly every address bit of every region
    both to 0 and to 1 (2^32 - a - size = ~a + 1 - size: the bits well above the region's size
    come out complemented)."""
    rng = np.random.default_rng(spec.base)
    names = [n for n in mi.REGION_NAMES if n != "rowq" or job.per_row]
    taken: list[tuple[int, int]] = []
    out = {}
    for name in names:
        size = max(mi.align_bus(sizes[name]), BUS_BYTES)
        while True:
            a = int(rng.integers(0, (ADDR_SPACE - size) // BUS_BYTES + 1)) * BUS_BYTES
            if all(a + size <= lo or hi <= a for lo, hi in taken):
                break
        taken.append((a, a + size))
        out[f"{name}_addr"] = ADDR_SPACE - a - size if spec.placement == "wide_mirror" else a
    return out


def model_job(spec: JobSpec, rng: np.random.Generator | None = None) -> mi.Job:
    """The model's Job for ``spec`` (legal fields; illegal tweaks happen on the registers)."""
    job = mi.Job(sbr=bool(spec.sbr), **{f: getattr(spec, f) for f in JOB_FIELDS})
    addrs = _layout_addresses(spec, job, rng)
    return dataclasses.replace(job, **addrs) if addrs else job


# Boundary values of each descriptor error (break_descriptor's ``corner``): the first illegal
# value, values with the field's top bits set, the largest encodable one. A misaligned
# ("rowq", offset) (ROWQ_CORNERS) also sets row_q: the address is only checked then.
DESCRIPTOR_CORNERS = {
    "bad_dim_zero": ("M", "N", "K"),
    "bad_dim_big": tuple((d, v) for d in ("M", "N", "K") for v in (int(ARCH.MAX_DIM) + 1, 0xFFFF)),
    "bad_mode_skip": (3,),
    "bad_mode_fmt": (3,),
    "bad_lo_bits": (0, 1, 2, 6, 7, 8, 15),
    "bad_out_lo_bits": (0, 2, 6, 15),
    "bad_r": ("first", 0x80, 0xFF),
    "bad_out_r": ("first", 0x80, 0xFF),
    "misaligned": tuple(
        (r, o) for r in ("act_lo", "act_ho", "wt_lo", "wt_ho", "out", "bias", "out_ho")
        for o in (1, 4, 7)
    ),
    "bad_rq_mult": (0,),
    "bad_rq_shift": (0, 63),
    "bad_block": ("first", 0xFFFF),
}  # fmt: skip
ROWQ_CORNERS = tuple(("rowq", o) for o in (1, 4, 7))


def _corner_fields(kind: str, corner, f: dict) -> dict[str, int]:
    """Descriptor fields of boundary value ``corner`` of ``kind`` (see DESCRIPTOR_CORNERS)."""
    if kind == "bad_dim_zero":
        return {corner: 0}
    if kind == "bad_dim_big":
        return {corner[0]: corner[1]}
    if kind == "bad_mode_skip":
        return {"skip": corner}
    if kind == "bad_mode_fmt":
        return {"fmt": corner}
    if kind == "bad_lo_bits":
        return {"b": corner}
    if kind == "bad_out_lo_bits":
        return {"fmt": RLE_FMT, "out_b": corner}
    if kind in ("bad_r", "bad_out_r"):
        lo = f["b"] if kind == "bad_r" else f["out_b"]
        v = 1 << (8 - lo) if corner == "first" else corner
        return {"skip": 2, "r": v} if kind == "bad_r" else {"fmt": RLE_FMT, "out_r": v}
    if kind == "misaligned":
        reg, off = corner
        new = {f"{reg}_addr": f[f"{reg}_addr"] + off}
        if reg == "bias":  # only checked while the bias is read
            new["bias_en"] = 1
        if reg == "out_ho":  # only checked in the RLE format
            new["fmt"] = RLE_FMT
        if reg == "rowq":  # only checked while the row vector is read
            new["row_q"] = 1
        return new
    if kind == "bad_rq_mult":
        return {"mult": 0} | ({} if f["fmt"] else {"fmt": mi.FMT_CODES["uint8"]})
    if kind == "bad_rq_shift":
        return {"shift": corner} | ({} if f["fmt"] else {"fmt": mi.FMT_CODES["uint8"]})
    if kind == "bad_block":
        return _bad_block(f, None if corner == "first" else corner)
    raise ValueError(f"not a descriptor error: {kind!r}")


def _bad_block(f: dict, mt: int | None) -> dict[str, int]:
    """Fields making the m-tile too large for the activation buffer (BAD_BLOCK): the first
    m-tile that does not fit (``mt`` None) or ``mt``; when every m-block of the job fits, the
    largest operand (M = K = MAX_DIM) with the largest mt, which no buffer below 12 MiB holds."""
    hi = mi.abuf_mt_max(f["M"], f["K"], f["b"], bool(f["row_q"]))
    mb = -(-f["M"] // mi.V)
    if hi < mb:
        return {"mt": hi + 1 if mt is None else max(mt, hi + 1)}
    return {"M": int(ARCH.MAX_DIM), "K": int(ARCH.MAX_DIM), "mt": 0xFFFF}


def break_descriptor(
    kind: str, regs: dict[str, int], rng: np.random.Generator, corner=None
) -> dict[str, int]:
    """Copy of ``regs`` with exactly the field named by ``kind`` made illegal: a random illegal
    value, or boundary value ``corner`` (an entry of ``DESCRIPTOR_CORNERS[kind]``)."""
    f = mi.decode_descriptor(regs)
    if corner is not None:
        return mi.encode_descriptor(_corner_fields(kind, corner, f), regs)
    new: dict[str, int] = {}
    if kind == "bad_dim_zero":
        new[str(rng.choice(["M", "N", "K"]))] = 0
    elif kind == "bad_dim_big":
        new[str(rng.choice(["M", "N", "K"]))] = int(ARCH.MAX_DIM) + int(rng.integers(1, 100))
    elif kind == "bad_mode_skip":
        new["skip"] = 3
    elif kind == "bad_mode_fmt":
        new["fmt"] = 3
    elif kind == "bad_lo_bits":
        new["b"] = int(rng.choice([0, 1, 2, 6, 7, 15]))
    elif kind == "bad_out_lo_bits":
        new.update(fmt=RLE_FMT, out_b=int(rng.choice([0, 2, 6, 15])))
    elif kind == "bad_r":
        new.update(skip=2, r=int(rng.integers(1 << (8 - f["b"]), 256)))
    elif kind == "bad_out_r":
        new.update(fmt=RLE_FMT, out_r=int(rng.integers(1 << (8 - f["out_b"]), 256)))
    elif kind == "misaligned":
        regs_used = ["act_lo", "act_ho", "wt_lo", "wt_ho", "out"] + ["rowq"] * f["row_q"]
        reg = str(rng.choice(regs_used))
        new[f"{reg}_addr"] = f[f"{reg}_addr"] + int(rng.integers(1, BUS_BYTES))
    elif kind == "bad_rq_mult":
        new.update(fmt=mi.FMT_CODES["uint8"], mult=0)
    elif kind == "bad_rq_shift":
        new.update(fmt=mi.FMT_CODES["uint8"], shift=int(rng.choice([0, 63])))
    elif kind == "bad_block":
        new.update(_bad_block(f, int(rng.integers(1, 1 << 16))))
    else:
        raise ValueError(f"not a descriptor error: {kind!r}")
    return mi.encode_descriptor(new, regs)


def corrupt_stream(
    image: mi.MemImage, job: mi.Job, rng: np.random.Generator
) -> tuple[mi.MemImage, str]:
    """Image whose first activation or weight HO stream is inconsistent with K (checked with the
    model's decoder, which must reject it)."""
    which = str(rng.choice(["act_ho", "wt_ho"]))
    addr, data = image.regions[which]
    buf = bytearray(data)
    n_rec, n_vec = unpack_header(buf)
    if rng.random() < 0.5 or n_vec < 2:
        buf[:8] = pack_header(n_rec, n_vec + int(rng.integers(1, 5)))  # n_vectors != K
    else:
        buf[:8] = pack_header(n_vec + 1, n_vec)  # more records than K
    L = (8 - int(job.b)) if which == "act_ho" else 4
    try:
        decode_stream(bytes(buf), job.K, L)
        raise AssertionError("model accepted a stream the test meant to corrupt")
    except StreamCorruptError:
        pass
    regions = dict(image.regions)
    regions[which] = (addr, bytes(buf))
    return mi.MemImage(regions=regions, regs=image.regs), which


def _last_word(job: mi.Job, size: int) -> int:
    """Offset of a word of the output region the job writes last or nearly so: the start of
    the last row (INT32, UINT8) or of the last m-block's LO plane (UINT8_RLE)."""
    fmt = job.fmt_code
    if fmt == mi.FMT_CODES["uint8_rle"]:
        stride, rows = mi.align_bus(job.N * int(job.out_b)), -(-job.M // 8)
    else:
        stride, rows = mi.align8(job.N) * (4 if fmt == mi.FMT_CODES["int32"] else 1), job.M
    off = (rows - 1) * stride
    assert off < size, "output row outside the output region"
    return off


@dataclass
class Stimulus:
    """What the job driver puts into memory and the register file (host-side packing)."""

    spec: JobSpec
    job: mi.Job
    image: mi.MemImage
    regs: dict[str, int]
    err_windows: list[tuple[int, int, str]] = field(default_factory=list)
    tampered: tuple[str, ...] = ()  # regions changed after packing (corrupt-stream tests)


def make_stimulus(spec: JobSpec, rng: np.random.Generator) -> Stimulus:
    """Pack ``spec`` with the model's host tool (``pack_job``) and apply the negative-test tweak
    the spec asks for (broken descriptor field, corrupt stream, SLVERR window)."""
    job = model_job(spec, rng)
    image = mi.pack_job(job)
    st = Stimulus(spec=spec, job=job, image=image, regs=dict(image.regs))
    kind = spec.illegal
    if kind in DESCRIPTOR_ILLEGAL:
        st.regs = break_descriptor(kind, st.regs, rng, spec.corner)
    elif kind == "stream_corrupt":
        st.image, which = corrupt_stream(image, job, rng)
        st.tampered = (which,)
    elif kind in ("axi_rd_err", "axi_wr_err"):
        names = ("act_lo", "wt_lo", "act_ho", "wt_ho") if kind == "axi_rd_err" else ("out",)
        if kind == "axi_rd_err" and spec.err_at == "last":
            names = ("act_lo", "wt_lo")  # read to the end; an HO region's last word may be padding
        if spec.err_at == "rowq":  # the row vector of a per-row job
            if kind != "axi_rd_err" or not job.per_row:
                raise ValueError("err_at 'rowq' needs a per-row job with illegal='axi_rd_err'")
            names = ("rowq",)
        a, data = image.regions[str(rng.choice(names))]
        if spec.err_at == "last":  # late in the job, while earlier tiles are written out
            a += (
                _last_word(job, len(data))
                if kind == "axi_wr_err"
                else mi.align_bus(len(data)) - BUS_BYTES
            )
        st.err_windows.append((a, a + BUS_BYTES, "rd" if kind == "axi_rd_err" else "wr"))
    return st
