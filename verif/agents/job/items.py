"""The job agent's transaction: :class:`Observed`, what the DUT did for one job.

Both the job BFM (the driver's own view, :mod:`.bfm`) and the passive job monitor
(:mod:`.monitor`, which the scoreboard trusts) produce it. ``panacea run`` ships it from the
simulator to the host as one JSON line per job (:meth:`Observed.to_json`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from panacea.config import COUNTERS
from panacea.memimage import FMT_NAMES, Job

from verif.agents.mem import Burst


@dataclass
class Observed:
    """What the DUT did for one job: STATUS, ERR_CODE, the counter registers (``counters``, every
    name of ``panacea.config.COUNTERS``; ``cycles`` = CYCLES), the output regions read back after
    a legal end, the AXI bursts of the job, and how it ended (``irq``, ``timed_out``,
    ``aborted`` by a reset on purpose). ``wall_cycles``: start to irq_o; ``dut_cycles``:
    programming to the end of the read-back; ``wall_s``: host seconds of the whole job."""

    idx: int
    status: int = 0
    err_code: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    cycles: int = 0
    regions: dict[str, bytes] = field(default_factory=dict)
    bursts: list[Burst] = field(default_factory=list)
    timed_out: bool = False
    irq: bool = False
    wall_cycles: int = 0
    aborted: bool = False
    dut_cycles: int = 0
    wall_s: float = 0.0

    def set_registers(self, values: dict[str, int]) -> None:
        """Fill status, error code and counters from read-back register values."""
        self.status = values["STATUS"]
        self.err_code = values["ERR_CODE"] & 0xFF
        self.counters = {c: values[c] for c in COUNTERS}
        self.cycles = self.counters["CYCLES"]
        self.timed_out = not self.irq and not (self.status >> 1 & 1)

    def differences(self, other: Observed) -> list[str]:
        """What ``other`` (another view of the same job) reports differently: how the job
        ended, the registers read back, the output regions and the bursts (not the timing
        figures, which each view measures from its own start)."""
        fields = ("aborted", "timed_out", "status", "err_code", "counters", "regions", "bursts")
        return [
            f"{f}: {getattr(self, f)!r:.80} vs {getattr(other, f)!r:.80}"
            for f in fields
            if getattr(self, f) != getattr(other, f)
        ]

    def log_line(self) -> str:
        """``status=... err_code=... CYCLES=... <counters> bursts=...`` for per-job log lines."""
        return (
            f"status={self.status:#x} err_code={self.err_code} "
            + " ".join(f"{k}={v}" for k, v in self.counters.items())
            + f" bursts={len(self.bursts)}"
        )

    def to_json(self) -> str:
        d = dataclasses.asdict(self)
        d["regions"] = {k: v.hex() for k, v in self.regions.items()}
        d["bursts"] = [dataclasses.astuple(b) for b in self.bursts]
        return json.dumps(d)

    @classmethod
    def from_json(cls, line: str) -> Observed:
        d: dict[str, Any] = json.loads(line)
        d["regions"] = {k: bytes.fromhex(v) for k, v in d["regions"].items()}
        d["bursts"] = [Burst(*b) for b in d["bursts"]]
        return cls(**d)


def describe_job(job: Job) -> str:
    """One line naming a model job's shape and descriptor fields (for logs and messages)."""
    return (
        f"M{job.M} N{job.N} K{job.K} b{job.b} {job.mode} sbr{int(job.sbr)} "
        f"bias{int(job.bias is not None)} {FMT_NAMES[job.fmt_code]} z{job.z} r{job.r} mt{job.mt}"
    )
