"""Predictor: what the DUT must do for a job, from the ``panacea`` model's public API only.

``memimage.expected_output``, ``expected_counters``/``job_stats``, ``descriptor_error``,
``cycles.mode_cycles``, ``aqs.aqs_gemm`` (the five-term breakdown) and ``rle.decode_stream``
(corrupt streams); there is no second model here. :func:`expect` builds the prediction of one
job from its model :class:`~panacea.memimage.Job` and whatever a test did to it (registers,
SLVERR windows, tampered streams); :class:`Predictor` numbers the jobs of a pyuvm run and can
break one prediction on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from panacea import memimage as mi
from panacea.config import ERRORS
from panacea.cycles import ModeCycles, mode_cycles
from panacea.errors import StreamCorruptError
from panacea.rle import decode_stream

from verif.agents.job import describe_job
from verif.seq_lib.job_gen import JobSpec
from verif.seq_lib.stimulus import Stimulus


@dataclass
class Expected:
    """Prediction for one job (``job`` is the model's :class:`panacea.memimage.Job`; ``spec``
    the generator's description when the job came from a sequence)."""

    idx: int
    job: mi.Job
    regs: dict[str, int]
    err: int
    spec: JobSpec | None = None
    out: mi.ExpectedOutput | None = None
    counters: dict[str, int] = field(default_factory=dict)
    stats: mi.JobStats | None = None
    cycles: ModeCycles | None = None
    err_windows: list[tuple[int, int, str]] = field(default_factory=list)  # (lo, hi, "rd"/"wr")
    corrupted: bool = False  # prediction deliberately broken (negative test)
    stalls: dict[str, str] = field(default_factory=dict)  # per-channel stall profile

    @property
    def legal(self) -> bool:
        return self.err == int(ERRORS.OK)

    def describe(self) -> str:
        return self.spec.describe() if self.spec is not None else describe_job(self.job)


def expect(
    job: mi.Job,
    idx: int = 0,
    regs: Mapping[str, int] | None = None,
    image: mi.MemImage | None = None,
    err_windows: Sequence[tuple[int, int, str]] = (),
    tampered: Sequence[str] = (),
    spec: JobSpec | None = None,
) -> Expected:
    """Everything the DUT must do for ``job`` run with descriptor ``regs`` (default: the job's
    own), memory ``image`` (tampered streams: their region names in ``tampered``) and SLVERR
    ``err_windows``: the error code, or for a legal end the output, counters and cycles."""
    regs = dict(regs if regs is not None else mi.descriptor_regs(job))
    exp = Expected(
        idx=idx,
        job=job,
        regs=regs,
        err=mi.descriptor_error(regs),
        spec=spec,
        err_windows=list(err_windows),
    )
    if exp.err != int(ERRORS.OK):
        return exp
    if any(_stream_rejected(job, image, name) for name in tampered):
        exp.err = int(ERRORS.STREAM_CORRUPT)
        return exp
    kinds = {w[2] for w in err_windows}
    if kinds:
        exp.err = int(ERRORS.AXI_RD_ERR if "rd" in kinds else ERRORS.AXI_WR_ERR)
        return exp
    exp.out = mi.expected_output(job)
    exp.stats = mi.job_stats(job)
    exp.counters = dict(exp.stats.counters)
    exp.cycles = mode_cycles(job)
    return exp


class Predictor:
    """Numbers the jobs of a run and builds their :class:`Expected`; ``corrupt_first`` breaks
    one output element of the first legal job on purpose (the scoreboard must then fail)."""

    def __init__(self, corrupt_first: bool = False):
        self.corrupt_first = corrupt_first
        self._corrupted = False
        self.count = 0

    def predict(self, st: Stimulus) -> Expected:
        exp = expect(st.job, self.count, st.regs, st.image, st.err_windows, st.tampered, st.spec)
        self.count += 1
        if exp.legal and self.corrupt_first and not self._corrupted:
            exp.out = corrupt_expected(exp.out, st.job)
            exp.corrupted = True
            self._corrupted = True
        return exp


def _stream_rejected(job: mi.Job, image: mi.MemImage, name: str) -> bool:
    """True if the model's decoder rejects any block of the (modified) HO region ``name``."""
    L, nblk = (8 - int(job.b), -(-job.M // 8)) if name == "act_ho" else (4, -(-job.N // 8))
    data = image.regions[name][1]
    stride = len(data) // nblk
    for j in range(nblk):
        try:
            decode_stream(data[j * stride : (j + 1) * stride], job.K, L)
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
        off = blk * mi.align_bus(job.N * ob) + bit // 8
        buf = bytearray(regions["out"])
        buf[off] ^= 1 << (bit % 8)
        regions["out"] = bytes(buf)
        return mi.ExpectedOutput(regions=regions, y=out.y, s=out.s, out=vals)
    buf = bytearray(regions["out"])
    buf[off] ^= 1
    regions["out"] = bytes(buf)
    return mi.ExpectedOutput(regions=regions, y=out.y, s=out.s, out=vals)
