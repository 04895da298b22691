"""Cycle model of the default architecture (architecture.md section 6).

Per tile group ``g = (ng, mb)`` with active PEAs ``P_g`` (weight blocks
``nb = ng*NUM_PEA + p < NB``)::

    replay_g = wbuf_fits and mb > 0          (weight streams come from the per-PEA buffers)
    rd_g  = act_beats[mb] + sum_{p in P_g} (wt_beats[nb] - replay_g * wt_stream_beats[nb])
                                                                   (AXI read beats, exact)
    wb_g  = replay_g * max_{p in P_g} wt_stream_beats[nb]          (buffer: one word per cycle)
    wr_g  = ceil(sum_{p in P_g} wr_bytes[mb, nb] / (AXI_DATA_W/8)) (AXI write beats)
    t_g   = max(K, max_{p in P_g} dwo[mb, nb], rd_g, wb_g, wr_g)
            + GROUP_OVERHEAD + DRAIN_CYCLES * |P_g|
    cycles = JOB_OVERHEAD + sum_g t_g

``K`` is the SWO's one LL outer product per k step, ``dwo`` the DWO products of the tile
(section 2 table), ``act_beats``/``wt_beats``/``wt_stream_beats``/``wr_bytes`` and
``wbuf_fits`` come from :func:`panacea.memimage.job_stats` (the same numbers as the
RD_BYTES/WR_BYTES counters). Each PEA's weight buffer is a 1-read/1-write memory that replays one
word (LO or HO) per cycle, hence ``wb_g``. The
operator-bound lower limit is ``max(SWO products, DWO products) / NUM_PEA`` over the whole GEMM.
The constants live in ``arch.toml [cycle]``; nothing here hard-codes a latency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .aqs import MODE_NAMES
from .config import ARCH, CYCLE
from .memimage import BUS_BYTES, Job, JobStats, ceil_div, job_stats


@dataclass(frozen=True)
class ModeCycles:
    """Modelled figures of one job in one skip mode.

    ``group_cycles`` (NG, MB) holds ``t_g``; ``bound`` names the term that limits most tile
    groups ("swo", "dwo", "mem_rd", "wbuf" or "mem_wr"); ``counters`` are the exact counters.
    """

    mode: str
    cycles: int
    lower_limit: float
    swo_products: int
    dwo_products: int
    group_cycles: npt.NDArray[np.int64]
    bound: str
    counters: dict[str, int]

    @property
    def limit_ratio(self) -> float:
        """Modelled cycles over the operator-bound lower limit."""
        return self.cycles / self.lower_limit


@dataclass(frozen=True)
class CycleReport:
    """The same job modelled in every skip mode; ``per_mode`` keyed by DENSE/ZERO_SKIP/AQS."""

    per_mode: dict[str, ModeCycles]

    @property
    def cycles(self) -> dict[str, int]:
        """Total modelled cycles per mode."""
        return {m: c.cycles for m, c in self.per_mode.items()}

    @property
    def lower_limit(self) -> dict[str, float]:
        """Operator-bound lower limit per mode."""
        return {m: c.lower_limit for m, c in self.per_mode.items()}


def mode_cycles_from_stats(st: JobStats) -> ModeCycles:
    """Apply the section 6 model to precomputed :class:`JobStats`."""
    p = int(ARCH.NUM_PEA)
    mb, nb = st.dwo.shape
    ng = ceil_div(nb, p)
    pad = ng * p - nb
    dwo = np.pad(st.dwo, ((0, 0), (0, pad))).reshape(mb, ng, p).max(axis=2).T  # (NG, MB)
    replay = np.zeros(mb, bool)
    replay[1:] = st.wbuf_fits                                 # (MB,) m-blocks served by buffers
    streams = np.pad(st.wt_stream_beats, (0, pad)).reshape(ng, p)
    rd = (np.pad(st.wt_beats, (0, pad)).reshape(ng, p).sum(axis=1)[:, None]
          - replay[None, :] * streams.sum(axis=1)[:, None] + st.act_beats[None, :])
    wb = replay[None, :] * streams.max(axis=1)[:, None]
    wr_bytes = np.pad(st.wr_bytes, ((0, 0), (0, pad))).reshape(mb, ng, p).sum(axis=2).T
    wr = -(-wr_bytes // BUS_BYTES)
    active = np.minimum(p, nb - p * np.arange(ng, dtype=np.int64))
    terms = np.stack([np.full((ng, mb), st.K, np.int64), dwo, rd, wb, wr])
    t = terms.max(axis=0) + int(CYCLE.GROUP_OVERHEAD) + int(CYCLE.DRAIN_CYCLES) * active[:, None]
    names = ("swo", "dwo", "mem_rd", "wbuf", "mem_wr")
    bound = names[int(np.bincount(terms.argmax(axis=0).ravel(), minlength=5).argmax())]
    swo, dwo_total = st.counters["SWO_BUSY"], int(st.dwo.sum())
    return ModeCycles(
        mode=MODE_NAMES[st.mode],
        cycles=int(CYCLE.JOB_OVERHEAD) + int(t.sum()),
        lower_limit=max(swo, dwo_total) / p,
        swo_products=swo,
        dwo_products=dwo_total,
        group_cycles=t.astype(np.int64),
        bound=bound,
        counters=dict(st.counters),
    )


def mode_cycles(job: Job, wbuf_bytes: int | None = None) -> ModeCycles:
    """Modelled cycles of ``job`` in its own skip mode (``wbuf_bytes`` overrides WBUF_BYTES)."""
    return mode_cycles_from_stats(job_stats(job, wbuf_bytes))


def cycle_model(job: Job, wbuf_bytes: int | None = None) -> CycleReport:
    """Model ``job`` in DENSE, ZERO_SKIP and AQS (only the mode differs; ``wbuf_bytes``
    overrides the per-PEA weight-buffer capacity of ``arch.toml``)."""
    return CycleReport(per_mode={
        name: mode_cycles(job.with_mode(code), wbuf_bytes) for code, name in MODE_NAMES.items()
    })
