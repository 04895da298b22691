"""Cycle model of the default architecture (architecture.md section 6).

An event recurrence over the tile groups ``g = (ng, mb)`` (loop order ``for ng: for mb``) with
active PEAs ``P_g`` (weight blocks ``nb = ng*NUM_PEA + p < NB``). It follows the RTL's three
concurrent parts -- the shared AXI read bus, the join/SWO step stream with one DWO per PEA behind
a FIFO (double-tile processing), and the serial output drain -- with these times per group::

    B          bus: time the AXI read bus has delivered everything requested so far
    S_g, E_g   join: first and last k step of the group
    F_p        DWO of PEA p: time it retired the last packet of its latest tile
    D_p        drain: time tile (g, p) has been written and its accumulator bank freed

    B0   = max(B, S_{g-1});  B = B0 + pf_g            LO planes / headers prefetched (credits)
    ready = B + RD_LATENCY;  B = B + rec_g               first operands; the first records follow
    S_g  = max(E_{g-1} + GROUP_GAP, ready, max_p D_p(g-2))   set-up, first words, free bank
    B    = max(B, S_g) + rd_g - pf_g - rec_g                  the rest streams during the group
    E_g  = max(S_g + K - 1, B, S_g + wb_g,                    SWO, AXI read, weight buffer,
               max_p (max(F_p, S_g + 1) + dwo_c[p] - backlog[p]))   DWO via the FIFO
    F_p  = max(max(F_p, S_g + 1) + dwo_c[p], E_g + 1 + dwo_c[p] / pkt[p])
    D_p  = max(D_prev, F_p) + drain(g, p)                      one tile at a time, in (g, p)
    Q   += next n-group's weight beats (first group of an n-group; one slot: its last group)
    Q   -= u = min(Q, PREFETCH_EFF * max(0, E_g - max(B, S_g)));  B = max(B, S_g) + u
    cycles = JOB_START + D_last + [UINT8_RLE: MB * WRITE_CMD_CYCLES] + JOB_END

``pf_g`` are the beats a group can fetch before its HO records (each LO plane up to the read
FIFO's credits ``2*AXI_MAX_BURST``, the 8-byte HO headers, the biases), ``rec_g`` the first
record burst of each HO stream with records (requested when its header arrives), ``rd_g`` all its
read beats (exact, :func:`panacea.memimage.job_stats`; weight streams only in a group that
fetches them in the foreground: every group without the buffer, else the first group of the
job or m-tile), ``wb_g`` the words a PEA's buffer plays (two banks,
one word per cycle each: the larger of its LO and HO streams). ``Q`` is the weight prefetch
still owed: it uses ``PREFETCH_EFF`` of the bus's idle time at low priority (two slots: from
the first group of the n-group before; one slot: from its last group, the buffer refilling the
slot behind that group's play); what
is left when its n-group starts is fetched during that group's first steps at the same rate.
``dwo_c`` are the DWO busy cycles of the tile (its products, plus one for a last-step marker
with nothing live), ``pkt`` its DWO packets (steps with a live HO vector, every step in
DENSE, plus the marker) and ``backlog = min(pkt, DWO_BACKLOG) * dwo_c / pkt`` the work still
queued when the join moves on.
``drain = TILE_DRAIN + 4*[bias] + write``: per written command ``max(beats, WRITE_CMD_CYCLES)``
(INT32: rows x 4 beats, UINT8: rows x 1 beat, UINT8_RLE: the LO and record writes plus one
encoder cycle per column). The constants live in ``arch.toml [cycle]`` (fitted to the RTL's
CYCLES counter, docs/architecture.md section 6); nothing here hard-codes a latency.

With the activation buffer (descriptor ``mt > 0``) the groups run ``for m-tile: for ng: for
mb in m-tile``; the activation beats are on the bus only in an m-tile's first n-group, the other
groups play them (``S_g + max(LO, HO words)`` joins ``E_g``); a fitting weight unit is fetched in
every m-tile's first group (the prefetch stays inside an m-tile); the sequencer runs up to
``AHEAD`` groups ahead through played groups (architecture.md section 6).

The lower limit is a roofline: the larger of the operator bound ``max(SWO products, DWO
products) / NUM_PEA`` over the whole GEMM (each PEA has one SWO and one DWO) and the memory bound
``max(compulsory read bytes, compulsory write bytes) / (AXI_DATA_W/8)`` (the AXI read and write
data channels are separate and each moves one beat per cycle). Compulsory bytes are what any loop
nest must move for the job's memory image: every activation and weight stream (LO plane and HO
stream) and the biases read once, as whole beats at their addresses in the image
(:func:`panacea.memimage.job_stats`), and every output byte written once (WR_BYTES, whatever the
output format). ``axi_bytes`` is what this design's loop nest moves (RD_BYTES + WR_BYTES, not
saturated).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .aqs import MODE_NAMES
from .config import ARCH, CONSTS, CYCLE
from .memimage import BUS_BYTES, Job, JobStats, abuf_mt_max, ceil_div, job_stats
from .rle import HEADER_BYTES
from .slicing import wt_lo_bits

V: int = int(ARCH.V)
# Groups the request sequencer can run ahead of the join through groups whose activations the
# activation buffer plays (its command queue and the weight buffers' PLAY queues hold 2).
AHEAD: int = 2
# The documented model tolerance (architecture.md section 6), the one source for the scoreboard,
# ``panacea run`` and the bench: |RTL CYCLES - model| <= CYCLE_TOL * model + CYCLE_SLACK.
CYCLE_TOL: float = float(CYCLE.CYCLE_TOL)
CYCLE_SLACK: int = int(CYCLE.CYCLE_SLACK)


def within_tolerance(
    rtl_cycles: int, model_cycles: int, tol: float = CYCLE_TOL, slack: int = CYCLE_SLACK
) -> bool:
    """True when ``rtl_cycles`` is within ``tol * model_cycles + slack`` of the model."""
    return abs(int(rtl_cycles) - int(model_cycles)) <= tol * model_cycles + slack


def compulsory_bytes(st: JobStats) -> tuple[int, int]:
    """(read, write) bytes any loop nest must move for the job's memory image: every activation
    and weight stream and every bias block read once, as the whole AXI beats covering it at its
    address (the layout of :func:`panacea.memimage.region_layout`), and every output byte
    written once (the WR_BYTES rule of the job's output format)."""
    read_beats = int(st.act_beats.sum()) + int(st.wt_beats.sum())
    return BUS_BYTES * read_beats, int(st.wr_bytes.sum())


def loop_nest_bytes(st: JobStats) -> tuple[int, int]:
    """(read, write) AXI bytes of this design's loop nest: RD_BYTES and WR_BYTES of
    :func:`panacea.memimage.job_stats` without the counters' 32-bit saturation."""
    act = st.act_fetch_ngroups * int(st.act_beats.sum())
    return BUS_BYTES * (act + st.wt_rd_beats), int(st.wr_bytes.sum())


def model_counts(st: JobStats) -> dict[str, int]:
    """The job's counters without saturation, plus the model-only WBUF_WR_BYTES (weight-stream
    bytes stored into the weight buffers, once per n-group of every m-tile), ABUF_RD_BYTES and
    ABUF_WR_BYTES: what :func:`panacea.energy.energy_from_counters` costs for a modelled job."""
    rd, wr = loop_nest_bytes(st)
    mb, nb = st.dwo.shape
    ng = ceil_div(nb, int(ARCH.NUM_PEA))
    unit = BUS_BYTES * int(st.wt_stream_beats.sum()) if st.wbuf_fits else 0
    act = BUS_BYTES * int(st.act_beats.sum()) if st.abuf_mt else 0
    return {
        **st.counters,
        "RD_BYTES": rd,
        "WR_BYTES": wr,
        "WBUF_RD_BYTES": mb * unit,
        "WBUF_WR_BYTES": st.m_tiles * unit,
        "ABUF_RD_BYTES": ng * act,
        "ABUF_WR_BYTES": act,
    }


@dataclass(frozen=True)
class ModeCycles:
    """Modelled figures of one job in one skip mode.

    ``cycles`` is the modelled CYCLES register. ``group_cycles`` (NG, MB) holds, per tile group,
    how far it moved the join's last step ``E_g - E_{g-1}`` (so ``JOB_START + sum(group_cycles)
    + JOB_END`` plus the drain tail after the last step is ``cycles``). ``bound`` names what set
    the end of most groups' step phase: "swo" (K steps), "dwo" (a PEA's DWO behind its FIFO),
    "mem_rd" (the AXI read bus), "wbuf" (a weight buffer playing its streams), "drain"
    (the output path: a group waited for a free accumulator bank, or the tail after the last
    step is over half of the job). ``operator_limit`` is the operator bound
    ``max(SWO_BUSY, DWO_BUSY) / NUM_PEA``, ``memory_limit`` the compulsory bytes of the busier
    AXI data channel over AXI_DATA_W/8, ``lower_limit`` the larger of the two (the roofline) and
    ``limit_term`` which one it is ("operator" or "memory"). ``compulsory_rd_bytes`` /
    ``compulsory_wr_bytes`` (:func:`compulsory_bytes`) and ``axi_rd_bytes`` / ``axi_wr_bytes``
    (:func:`loop_nest_bytes`) are not saturated. ``counters`` are the exact counters of
    :func:`panacea.memimage.job_stats` (saturated like the registers), ``counts`` the same
    without saturation plus WBUF_WR_BYTES (:func:`model_counts`).
    """

    mode: str
    cycles: int
    operator_limit: float
    memory_limit: float
    swo_products: int
    dwo_products: int
    group_cycles: npt.NDArray[np.int64]
    bound: str
    counters: dict[str, int]
    counts: dict[str, int]
    compulsory_rd_bytes: int
    compulsory_wr_bytes: int
    axi_rd_bytes: int
    axi_wr_bytes: int

    @property
    def lower_limit(self) -> float:
        """Roofline: the larger of the operator and the memory bound (cycles)."""
        return max(self.operator_limit, self.memory_limit)

    @property
    def limit_term(self) -> str:
        """The term of :attr:`lower_limit` that binds: "operator" or "memory"."""
        return "memory" if self.memory_limit > self.operator_limit else "operator"

    @property
    def limit_ratio(self) -> float:
        """Modelled cycles over the roofline."""
        return self.cycles / self.lower_limit

    @property
    def compulsory_bytes(self) -> int:
        """Compulsory AXI bytes, read plus write."""
        return self.compulsory_rd_bytes + self.compulsory_wr_bytes

    @property
    def axi_bytes(self) -> int:
        """AXI bytes the loop nest moves, read plus write."""
        return self.axi_rd_bytes + self.axi_wr_bytes

    @property
    def axi_ratio(self) -> float:
        """AXI bytes over compulsory bytes (1.0 = every byte crosses AXI once)."""
        return self.axi_bytes / self.compulsory_bytes


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
        """Roofline lower limit per mode."""
        return {m: c.lower_limit for m, c in self.per_mode.items()}

    @property
    def operator_limit(self) -> dict[str, float]:
        """Operator-bound limit per mode."""
        return {m: c.operator_limit for m, c in self.per_mode.items()}


def _tile_dwo(st: JobStats) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(DWO packets, DWO busy cycles) per tile (MB, NB)."""
    mb, nb = st.dwo.shape
    if st.mode == int(CONSTS.SKIP_DENSE):
        return np.full((mb, nb), st.K, np.int64), st.dwo.astype(np.int64)
    a, w = st.act_live.sum(axis=1)[:, None], st.wt_live.sum(axis=1)[None, :]
    marker = (~st.act_live[:, -1])[:, None] & (~st.wt_live[:, -1])[None, :]
    # steps with a live vector: a + w - (both live), and dwo = (both live) + a + w
    pkt = 2 * (a + w) - st.dwo + marker
    return pkt, st.dwo + marker


def _drain_cycles(st: JobStats) -> npt.NDArray[np.float64]:
    """Cycles the output path spends on each tile (MB, NB), see the module docstring."""
    mb, nb = st.dwo.shape
    cmd = float(CYCLE.WRITE_CMD_CYCLES)
    rows = np.minimum(V, st.M - V * np.arange(mb))
    cols = np.minimum(V, st.N - V * np.arange(nb))
    if st.out_fmt == int(CONSTS.FMT_UINT8_RLE):
        lo = np.broadcast_to(cols[None, :] * st.out_b, (mb, nb))
        rec = st.wr_bytes - lo
        rec[:, -1] -= HEADER_BYTES
        write = (
            np.maximum(-(-lo // BUS_BYTES), cmd)
            + cols[None, :]
            + np.where(rec > 0, np.maximum(-(-rec // BUS_BYTES) + 0.5, cmd), 0.0)
        )
    else:
        beats = 32 // BUS_BYTES if st.out_fmt == int(CONSTS.FMT_INT32) else V // BUS_BYTES
        write = np.broadcast_to((rows * max(beats, cmd))[:, None], (mb, nb))
    bias = 32 // BUS_BYTES if st.bias_en else 0
    return write + float(CYCLE.TILE_DRAIN) + bias


def mode_cycles_from_stats(st: JobStats) -> ModeCycles:
    """Apply the section 6 model to precomputed :class:`JobStats`."""
    npea = int(ARCH.NUM_PEA)
    mb_n, nb_n = st.dwo.shape
    ng_n = ceil_div(nb_n, npea)
    K = st.K
    gap, lat = float(CYCLE.GROUP_GAP), float(CYCLE.RD_LATENCY)
    credits = 2 * int(ARCH.AXI_MAX_BURST)
    pkt, dwoc = _tile_dwo(st)
    per = dwoc / np.maximum(pkt, 1)
    backlog = np.minimum(pkt, int(CYCLE.DWO_BACKLOG)) * per
    drain = _drain_cycles(st)
    alo = ceil_div(K * st.b, BUS_BYTES)
    wlo = ceil_div(K * wt_lo_bits(st.sbr), BUS_BYTES)
    bias_b = (st.wt_beats - st.wt_stream_beats).tolist()
    a_pf = min(credits, alo) + 1
    w_pf = min(credits, wlo) + 1
    act_beats, wt_sb = st.act_beats.tolist(), st.wt_stream_beats.tolist()
    wt_play = np.maximum(wlo, st.wt_stream_beats - wlo).tolist()  # two banks, a word each
    eff = float(CYCLE.PREFETCH_EFF)
    slots = st.wbuf_slots
    fits = st.wbuf_fits
    burst = int(ARCH.AXI_MAX_BURST)
    act_rec = np.minimum(st.act_beats - alo - 1, burst).tolist()
    wt_rec = np.minimum(st.wt_stream_beats - wlo - 1, burst).tolist()
    # activation buffer: words its two banks play per group (the larger stream; a row vector
    # counts with the HO side, a simplification of one or two words)
    act_play = np.maximum(alo, st.act_beats - alo).tolist()
    amt = st.abuf_mt
    tile = amt if amt else mb_n

    bus = owed = 0.0
    # starts of the last groups, newest last, and how many of them played their activations
    # from the buffer: the sequencer queues those groups' commands without waiting for the bus,
    # so the next group's requests go out up to AHEAD groups earlier (command queues of 2)
    s_hist = [0.0] * (AHEAD + 1)
    played = 0
    e_prev = -gap
    dwo_free = [0.0] * npea
    bank_old = [0.0] * npea  # drain ends of each PEA's last two tiles: the older ...
    bank_new = [0.0] * npea  # ... and the newer
    post = 0.0
    limits = [0] * 6  # swo, dwo, mem_rd, wbuf, drain (S), mem_wr
    group = np.zeros((ng_n, mb_n), np.int64)
    for t0, g in ((t0, g) for t0 in range(0, mb_n, tile) for g in range(ng_n)):
        n0 = g * npea
        n1 = min(nb_n, n0 + npea)
        act = range(n1 - n0)
        nbs = range(n0, n1)
        nxt = sum(wt_sb[n] for n in range(n0 + npea, min(nb_n, n0 + 2 * npea)))
        bias_g = sum(bias_b[n] for n in nbs)
        w_pf_g = w_pf * len(nbs)
        w_rd_g = sum(wt_sb[n] for n in nbs)
        w_rec_g = sum(wt_rec[n] for n in nbs)
        play = max(wt_play[n] for n in nbs) if fits else 0
        # this group's columns of the per-tile figures, one row of per-PEA tuples per m-block
        cols = list(
            zip(
                dwoc[:, n0:n1].tolist(),
                backlog[:, n0:n1].tolist(),
                per[:, n0:n1].tolist(),
                drain[:, n0:n1].tolist(),
                strict=True,
            )
        )
        grow = group[g]
        act_rd = not amt or g == 0  # activations over AXI (else played from the buffer)
        t_last = min(mb_n, t0 + tile) - 1
        for m in range(t0, min(mb_n, t0 + tile)):
            fetch = not fits or (m == t0 and g == 0)
            pf, rd, rec = bias_g, bias_g, 0
            if act_rd:
                pf, rd, rec = pf + a_pf, rd + act_beats[m], act_rec[m]
            if fetch:
                pf += w_pf_g
                rd += w_rd_g
                rec += w_rec_g
            if m == t0 and owed > 0:  # prefetch of this n-group unfinished: streams now
                pf, rd, owed = pf + min(owed, w_pf_g) / eff, rd + owed / eff, 0.0
            issue = s_hist[-1 - (0 if fetch and fits and played <= AHEAD else min(played, AHEAD))]
            b0 = issue if issue > bus else bus
            bus = b0 + pf
            ready = bus + lat
            bus += rec
            bank = bank_old[0]
            for p in act:
                if bank_old[p] > bank:
                    bank = bank_old[p]
            set_up = e_prev + gap
            if ready > set_up:
                set_up = ready
            s = bank if bank > set_up else set_up
            # a group that plays its activations issues only biases: the bus is not held to S
            floor = s if act_rd else issue
            if fetch and fits and played > AHEAD:
                # an m-tile's first group after more than AHEAD groups played from the buffers
                # is issued well ahead of the join: its weight units stream into the weight
                # buffers at once, not behind the join as the operand FIFOs do
                w_rest = w_rd_g - w_pf_g - w_rec_g
                bus = bus + w_rest
                rd -= w_rest
            bus = (floor if floor > bus else bus) + rd - pf - rec
            dw_m, bl_m, per_m, dr_m = cols[m]
            s1 = s + 1
            starts = [s1 if s1 > f else f for f in dwo_free]
            t_dwo = starts[0] + dw_m[0] - bl_m[0]
            for p in act:
                t = starts[p] + dw_m[p] - bl_m[p]
                if t > t_dwo:
                    t_dwo = t
            # e = max(swo, dwo, mem_rd, wbuf); the first maximal term names the bound
            e, which = s + K - 1, 0
            if t_dwo > e:
                e, which = t_dwo, 1
            if bus > e:
                e, which = bus, 2
            t_wb = s + (play if act_rd or play > act_play[m] else act_play[m])
            if t_wb > e:
                e, which = t_wb, 3
            limits[4 if bank > set_up else which] += 1
            e1 = e + 1
            for p in act:
                f = starts[p] + dw_m[p]
                t = e1 + per_m[p]
                f = t if t > f else f
                dwo_free[p] = f
                post = (f if f > post else post) + dr_m[p]
                bank_old[p] = bank_new[p]
                bank_new[p] = post
            # Without the buffer (slots 0) the weights stream in every group: nothing is owed.
            if slots and m == (t0 if slots == 2 else t_last):
                owed += nxt
            if owed > 0:
                bs = floor if floor > bus else bus
                idle = e - bs
                used = min(owed, eff * (idle if idle > 0.0 else 0.0))
                owed -= used
                bus = bs + used
            grow[m] = round(e - (e_prev if e_prev > 0.0 else 0.0))
            e_prev = e
            s_hist = s_hist[1:] + [s]
            played = 0 if act_rd else played + 1
    tail = post - max(e_prev, 0.0)
    if st.out_fmt == int(CONSTS.FMT_UINT8_RLE):
        tail += mb_n * float(CYCLE.WRITE_CMD_CYCLES)
    cycles = int(round(float(CYCLE.JOB_START) + max(e_prev, 0.0) + tail + float(CYCLE.JOB_END)))
    names = ("swo", "dwo", "mem_rd", "wbuf", "drain")
    if tail > 0.5 * cycles:
        bound = "drain"
    else:
        bound = names[int(np.argmax(limits[:5]))]
    swo, dwo_total = st.dwo.size * K, int(st.dwo.sum())  # not saturated
    need_rd, need_wr = compulsory_bytes(st)
    axi_rd, axi_wr = loop_nest_bytes(st)
    return ModeCycles(
        mode=MODE_NAMES[st.mode],
        cycles=cycles,
        operator_limit=max(swo, dwo_total) / npea,
        memory_limit=max(need_rd, need_wr) / BUS_BYTES,
        swo_products=swo,
        dwo_products=dwo_total,
        group_cycles=group,
        bound=bound,
        counters=dict(st.counters),
        counts=model_counts(st),
        compulsory_rd_bytes=need_rd,
        compulsory_wr_bytes=need_wr,
        axi_rd_bytes=axi_rd,
        axi_wr_bytes=axi_wr,
    )


def mode_cycles(job: Job, wbuf_bytes: int | None = None) -> ModeCycles:
    """Modelled cycles of ``job`` in its own skip mode (``wbuf_bytes`` overrides WBUF_BYTES)."""
    return mode_cycles_from_stats(job_stats(job, wbuf_bytes))


def cycle_model(job: Job, wbuf_bytes: int | None = None) -> CycleReport:
    """Model ``job`` in DENSE, ZERO_SKIP and AQS (only the mode differs; ``wbuf_bytes``
    overrides the per-PEA weight-buffer capacity of ``arch.toml``)."""
    return CycleReport(
        per_mode={
            name: mode_cycles(job.with_mode(code), wbuf_bytes) for code, name in MODE_NAMES.items()
        }
    )


def mt_candidates(M: int, K: int, b: int, row_q: bool) -> list[int]:
    """The m-tile sizes worth comparing for a job: 0 (no activation buffer), the largest that
    fits the buffer and the smallest with as few m-tiles (balanced tiles), when one fits."""
    hi = abuf_mt_max(M, K, b, row_q)
    if hi == 0:
        return [0]
    mb = ceil_div(M, V)
    return sorted({0, hi, ceil_div(mb, ceil_div(mb, hi))})


def choose_mt(job: Job, wbuf_bytes: int | None = None) -> int:
    """The host's m-tile choice for ``job`` (descriptor ``mt``, architecture.md section 8):
    among :func:`mt_candidates`, the least AXI bytes (RD_BYTES + WR_BYTES of the loop nest),
    then the fewest modelled cycles, then the smaller mt. RD_BYTES falls with fewer m-tiles
    (activations are read once with any mt > 0, a fitting weight unit once per n-group of each
    m-tile), so the answer is usually the largest mt that fits, or mt >= MB (one m-tile)."""
    st = job_stats(dataclasses.replace(job, mt=0), wbuf_bytes)
    best: tuple[int, int, int] | None = None
    for mt in mt_candidates(job.M, job.K, int(job.b), job.per_row):
        sm = dataclasses.replace(st, abuf_mt=mt)
        key = (sum(loop_nest_bytes(sm)), mode_cycles_from_stats(sm).cycles, mt)
        best = key if best is None or key < best else best
    assert best is not None
    return best[2]
