"""Predictor: turns a :class:`~verif.seq_lib.job_gen.JobSpec` into what the DUT must do.

Everything expected comes from the ``panacea`` model's public API (``memimage.pack_job``,
``expected_output``, ``expected_counters``, ``job_stats``, ``descriptor_error``,
``cycles.mode_cycles``, ``aqs.aqs_gemm`` for the five-term breakdown, ``rle.decode_stream`` for
corrupt streams); there is no second model here. The only things computed locally are test
*mechanics*: where regions are placed, which descriptor field a negative test breaks, and which
address window answers with SLVERR.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from panacea import memimage as mi
from panacea.config import ARCH, ERRORS
from panacea.errors import StreamCorruptError
from panacea.rle import decode_stream

from verif.seq_lib.job_gen import JobSpec

MEM_SIZE = 1 << 24          # AxiRam size; every placement stays below it
BUS_BYTES = int(ARCH.AXI_DATA_W) // 8
COUNTER_NAMES = ("TILES", "SWO_BUSY", "DWO_BUSY", "ACT_SKIP", "WT_SKIP", "RD_BYTES", "WR_BYTES")
DESCRIPTOR_ILLEGAL = ("bad_dim_zero", "bad_dim_big", "bad_mode_skip", "bad_mode_fmt",
                      "bad_lo_bits", "bad_out_lo_bits", "bad_r", "bad_out_r", "misaligned",
                      "bad_rq_mult", "bad_rq_shift")


@dataclass
class Expected:
    """Prediction for one job (``job`` is the model's :class:`panacea.memimage.Job`)."""

    idx: int
    spec: JobSpec
    job: mi.Job
    image: mi.MemImage
    regs: dict[str, int]
    err: int
    out: mi.ExpectedOutput | None = None
    counters: dict[str, int] = field(default_factory=dict)
    stats: mi.JobStats | None = None
    cycles: object | None = None            # panacea.cycles.ModeCycles
    err_windows: list[tuple[int, int, str]] = field(default_factory=list)  # (lo, hi, "rd"/"wr")
    corrupted: bool = False                 # prediction deliberately broken (negative test)
    stalls: dict[str, str] = field(default_factory=dict)   # per-channel stall profile

    @property
    def legal(self) -> bool:
        return self.err == int(ERRORS.OK)


def _layout_addresses(spec: JobSpec, job: mi.Job, rng: np.random.Generator | None) -> dict:
    """Explicit region addresses for the job's placement (``packed`` keeps the model's)."""
    if spec.placement == "packed":
        return {}
    sizes = mi.region_sizes(job)
    rng = rng or np.random.default_rng(0)
    names = list(mi.REGION_NAMES)
    if spec.placement == "random":
        rng.shuffle(names)
    addr = spec.base
    out = {}
    for name in names:
        if spec.placement == "page_edge":
            # start 8..56 bytes before the next 4 KiB boundary: bursts must split there
            page = (addr + 0xFFF) // 0x1000 * 0x1000 + 0x1000
            addr = page - 8 * int(rng.integers(1, 8))
        out[f"{name}_addr"] = addr
        gap = 8 * int(rng.integers(0, 64)) if spec.placement in ("gapped", "random") else 0
        addr = addr + mi.align8(sizes[name]) + gap
    assert addr < MEM_SIZE, "placement overflows the memory model"
    return out


def model_job(spec: JobSpec, rng: np.random.Generator | None = None) -> mi.Job:
    """The model's Job for ``spec`` (legal fields; illegal tweaks happen on the registers)."""
    job = mi.Job(x=spec.x, w=spec.w, z=spec.z, r=spec.r, b=spec.b, sbr=bool(spec.sbr),
                 mode=spec.mode, bias=spec.bias, out_fmt=spec.out_fmt, mult=spec.mult,
                 shift=spec.shift, zo=spec.zo, out_r=spec.out_r, out_b=spec.out_b)
    addrs = _layout_addresses(spec, job, rng)
    if addrs:
        import dataclasses
        job = dataclasses.replace(job, **addrs)
    return job


def break_descriptor(kind: str, regs: dict[str, int], rng: np.random.Generator) -> dict[str, int]:
    """Copy of ``regs`` with exactly the field named by ``kind`` made illegal."""
    r = dict(regs)
    mode = r["MODE"]
    if kind == "bad_dim_zero":
        r[str(rng.choice(["M", "N", "K"]))] = 0
    elif kind == "bad_dim_big":
        r[str(rng.choice(["M", "N", "K"]))] = int(ARCH.MAX_DIM) + int(rng.integers(1, 100))
    elif kind == "bad_mode_skip":
        r["MODE"] = mode | 3
    elif kind == "bad_mode_fmt":
        r["MODE"] = mode | (3 << 4)
    elif kind == "bad_lo_bits":
        bad = int(rng.choice([0, 1, 2, 6, 7, 15]))
        r["ACT_Q"] = (r["ACT_Q"] & ~(0xF << 16)) | (bad << 16)
    elif kind == "bad_out_lo_bits":
        bad = int(rng.choice([0, 2, 6, 15]))
        r["MODE"] = (mode & ~(3 << 4)) | (2 << 4)
        r["OUT_Q"] = (r["OUT_Q"] & ~(0xF << 16)) | (bad << 16)
    elif kind == "bad_r":
        b = (r["ACT_Q"] >> 16) & 0xF
        r["MODE"] = (mode & ~3) | 2
        r["ACT_Q"] = (r["ACT_Q"] & ~(0xFF << 8)) | (int(rng.integers(1 << (8 - b), 256)) << 8)
    elif kind == "bad_out_r":
        ob = (r["OUT_Q"] >> 16) & 0xF
        r["MODE"] = (mode & ~(3 << 4)) | (2 << 4)
        r["OUT_Q"] = (r["OUT_Q"] & ~(0xFF << 8)) | (int(rng.integers(1 << (8 - ob), 256)) << 8)
    elif kind == "misaligned":
        reg = str(rng.choice(["ACT_LO_ADDR", "ACT_HO_ADDR", "WT_LO_ADDR", "WT_HO_ADDR",
                              "OUT_ADDR"]))
        r[reg] = r[reg] + int(rng.integers(1, 8))
    elif kind == "bad_rq_mult":
        r["MODE"] = (mode & ~(3 << 4)) | (1 << 4)
        r["RQ_MULT"] = 0
    elif kind == "bad_rq_shift":
        r["MODE"] = (mode & ~(3 << 4)) | (1 << 4)
        r["RQ_SHIFT"] = int(rng.choice([0, 63]))
    else:
        raise ValueError(f"not a descriptor error: {kind!r}")
    return r


def corrupt_stream(image: mi.MemImage, job: mi.Job, rng: np.random.Generator
                   ) -> tuple[mi.MemImage, str]:
    """Image whose first activation or weight HO stream is inconsistent with K (checked with the
    model's decoder, which must reject it)."""
    which = str(rng.choice(["act_ho", "wt_ho"]))
    addr, data = image.regions[which]
    buf = bytearray(data)
    n_vec = int.from_bytes(buf[4:8], "little")
    if rng.random() < 0.5 or n_vec < 2:
        buf[4:8] = (n_vec + int(rng.integers(1, 5))).to_bytes(4, "little")   # n_vectors != K
    else:
        buf[0:4] = (n_vec + 1).to_bytes(4, "little")                         # more records than K
    L = (8 - int(job.b)) if which == "act_ho" else 4
    try:
        decode_stream(bytes(buf), job.K, L)
        raise AssertionError("model accepted a stream the test meant to corrupt")
    except StreamCorruptError:
        pass
    regions = dict(image.regions)
    regions[which] = (addr, bytes(buf))
    return mi.MemImage(regions=regions, regs=image.regs), which


@dataclass
class Stimulus:
    """What the job driver puts into memory and the register file (host-side packing)."""

    spec: JobSpec
    job: mi.Job
    image: mi.MemImage
    regs: dict[str, int]
    err_windows: list[tuple[int, int, str]] = field(default_factory=list)
    tampered: tuple[str, ...] = ()     # regions changed after packing (corrupt-stream tests)


def make_stimulus(spec: JobSpec, rng: np.random.Generator) -> Stimulus:
    """Pack ``spec`` with the model's host tool (``pack_job``) and apply the negative-test tweak
    the spec asks for (broken descriptor field, corrupt stream, SLVERR window)."""
    job = model_job(spec, rng)
    image = mi.pack_job(job)
    st = Stimulus(spec=spec, job=job, image=image, regs=dict(image.regs))
    kind = spec.illegal
    if kind in DESCRIPTOR_ILLEGAL:
        st.regs = break_descriptor(kind, st.regs, rng)
    elif kind == "stream_corrupt":
        st.image, which = corrupt_stream(image, job, rng)
        st.tampered = (which,)
    elif kind in ("axi_rd_err", "axi_wr_err"):
        names = ("act_lo", "wt_lo", "act_ho", "wt_ho") if kind == "axi_rd_err" else ("out",)
        a, _ = image.regions[str(rng.choice(names))]
        st.err_windows.append((a, a + BUS_BYTES, "rd" if kind == "axi_rd_err" else "wr"))
    return st


class Predictor:
    """Builds :class:`Expected` for each stimulus from the model; ``corrupt_first`` breaks one
    output element of the first legal job on purpose (the scoreboard must then fail)."""

    def __init__(self, corrupt_first: bool = False):
        self.corrupt_first = corrupt_first
        self._corrupted = False
        self.count = 0

    def predict(self, st: Stimulus) -> Expected:
        from panacea.cycles import mode_cycles
        idx = self.count
        self.count += 1
        job = st.job
        exp = Expected(idx=idx, spec=st.spec, job=job, image=st.image, regs=st.regs,
                       err=mi.descriptor_error(st.regs), err_windows=list(st.err_windows))
        if exp.err != int(ERRORS.OK):
            return exp
        if any(_stream_rejected(st, name) for name in st.tampered):
            exp.err = int(ERRORS.STREAM_CORRUPT)
            return exp
        kinds = {w[2] for w in st.err_windows}
        if kinds:
            exp.err = int(ERRORS.AXI_RD_ERR if "rd" in kinds else ERRORS.AXI_WR_ERR)
            return exp
        exp.out = mi.expected_output(job)
        exp.stats = mi.job_stats(job)
        exp.counters = dict(exp.stats.counters)
        exp.cycles = mode_cycles(job)
        if self.corrupt_first and not self._corrupted:
            exp.out = corrupt_expected(exp.out, job)
            exp.corrupted = True
            self._corrupted = True
        return exp


def _stream_rejected(st: Stimulus, name: str) -> bool:
    """True if the model's decoder rejects any block of the (modified) HO region ``name``."""
    job = st.job
    L, nblk = (8 - int(job.b), -(-job.M // 8)) if name == "act_ho" else (4, -(-job.N // 8))
    stride = mi.align8(8 + job.K * (1 + L))
    data = st.image.regions[name][1]
    for j in range(nblk):
        try:
            decode_stream(data[j * stride:(j + 1) * stride], job.K, L)
        except StreamCorruptError:
            return True
    return False


def corrupt_expected(out: mi.ExpectedOutput, job: mi.Job) -> mi.ExpectedOutput:
    """Flip bit 0 of the last output element in both the matrix and the region bytes."""
    vals = out.out.copy()
    vals[-1, -1] ^= 1
    regions = dict(out.regions)
    if job.fmt_code == mi.FMT_CODES["int32"]:
        off = ((job.M - 1) * mi.align8(job.N) + job.N - 1) * 4
    elif job.fmt_code == mi.FMT_CODES["uint8"]:
        off = (job.M - 1) * mi.align8(job.N) + job.N - 1
    else:
        # UINT8_RLE: flip the LO bit of the last lane's LO plane entry (LO bit 0 of y)
        ob = int(job.out_b)
        blk, lane = (job.M - 1) // 8, (job.M - 1) % 8
        bit = (job.N - 1) * ob * 8 + lane * ob
        off = blk * mi.align8(job.N * ob) + bit // 8
        buf = bytearray(regions["out"])
        buf[off] ^= 1 << (bit % 8)
        regions["out"] = bytes(buf)
        return mi.ExpectedOutput(regions=regions, y=out.y, s=out.s, out=vals)
    buf = bytearray(regions["out"])
    buf[off] ^= 1
    regions["out"] = bytes(buf)
    return mi.ExpectedOutput(regions=regions, y=out.y, s=out.s, out=vals)
