"""The job sequence item and the sequences that produce jobs.

A :class:`JobItem` carries the randomized :class:`~verif.seq_lib.job_gen.JobSpec` (operands and
descriptor fields), its packed stimulus (memory regions and register values from the model's
host tool, plus any negative-test tweak) and the run-time knobs of the job driver: the per-channel
stall profile and, for reset tests, the cycle at which reset hits the running job.
"""

from __future__ import annotations

import numpy as np
from pyuvm import uvm_sequence, uvm_sequence_item

from verif.agents.mem import stall_profile
from verif.common.seeding import make_rng

from .job_gen import JobKnobs, JobSpec, gen_job
from .stimulus import Stimulus, make_stimulus


class JobItem(uvm_sequence_item):
    def __init__(self, name="job"):
        super().__init__(name)
        self.spec: JobSpec | None = None
        self.stim: Stimulus | None = None
        self.stalls: dict[str, str] = {}
        self.reset_after: int | None = None  # cycles after start; None = no reset

    def randomize_with(self, rng: np.random.Generator, knobs: JobKnobs | None = None) -> None:
        self.spec = gen_job(rng, knobs)
        self.finish(rng)

    def finish(self, rng: np.random.Generator) -> None:
        """Pack an already chosen spec (used by directed sequences too)."""
        self.stim = make_stimulus(self.spec, rng)
        self.stalls = stall_profile(self.spec.stall, rng)

    def __str__(self):
        return self.spec.describe() if self.spec else "job(unrandomized)"


class JobSeq(uvm_sequence):
    """``count`` random jobs drawn with ``knobs`` (a JobKnobs, or a callable i -> JobKnobs)."""

    def __init__(self, name="job_seq", count=1, knobs=None, tag=None, specs=None):
        super().__init__(name)
        self.count, self.knobs = count, knobs
        self.rng = make_rng(tag or name)
        self.specs = specs  # directed: a list of JobSpec instead of random draws
        self.items: list[JobItem] = []

    def make_item(self, i: int) -> JobItem:
        item = JobItem(f"{self.get_name()}_{i}")
        if self.specs is not None:
            item.spec = self.specs[i]
            item.finish(self.rng)
        else:
            kn = self.knobs(i) if callable(self.knobs) else self.knobs
            item.randomize_with(self.rng, kn)
        return item

    async def body(self):
        n = len(self.specs) if self.specs is not None else self.count
        for i in range(n):
            item = self.make_item(i)
            await self.start_item(item)
            await self.finish_item(item)
            self.items.append(item)


class ItemSeq(uvm_sequence):
    """Send already prepared JobItems (directed tests that set run-time knobs by hand)."""

    def __init__(self, name="item_seq", items=()):
        super().__init__(name)
        self.items = list(items)

    async def body(self):
        for item in self.items:
            await self.start_item(item)
            await self.finish_item(item)
