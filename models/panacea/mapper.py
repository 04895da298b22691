"""On-chip reuse design study: blockings of one GEMM over a buffer hierarchy.

The RTL (architecture.md section 4) runs ``for m-tile: for ng: for mb in m-tile`` with an
activation buffer (ABUF) holding the streams of one m-tile (descriptor ``mt``; ``mt = 0``:
``for ng: for mb``, every activation stream read once per n-group) and, when a weight unit does
not fit the per-PEA weight buffer, reads every weight stream once per m-block. Its blocking in
this family is :func:`rtl_blocking` (exact RD_BYTES when the weight unit fits). This module
projects what a buffer hierarchy with an activation buffer (ABUF), per-PEA weight buffers
(WBUF) and an optional partial-sum buffer (PSUM) would move, for every blocking of a family:

* the on-chip tile: ``mt`` m-blocks x ``nt`` n-blocks x ``kt`` k vectors (a *K chunk*);
  ``nt`` is a multiple of the PEA count (the PEAs run n-groups of ``num_pea`` blocks, PEA p
  taking block ``n0 + g*num_pea + p`` of the tile) or covers every n-block;
* the order of the three DRAM-level loops over m-tiles, n-tiles and K chunks (``order``,
  outermost first, a permutation of "mnk");
* the order inside a tile (``inner``): "nm" runs ``for n-group: for m-block`` as the RTL does
  (the activation tile is played once per n-group, each PEA's weight chunk once per m-block),
  "mn" the transpose;
* ``prefetch``: every held buffer has a second copy so the next tile loads while this one
  computes (twice the bytes), else a held tile's fetch stalls the operators.

Byte accounting (exact for the job's compressed streams, no averages). A K chunk of an
activation block is its LO plane part (``kc * b`` bytes) and an RLE HO stream of its own
(8-byte header plus the records of the job's encoding that fall in the chunk, ``9 - b`` bytes
each; record positions are those of the whole-K stream, fillers included, which is a legal
encoding of the chunk: a chunk that starts inside a gap reaches the next record within
RUN_MAX), likewise a weight block (``Lw`` and 5 bytes). Every stream or chunk starts on a beat
boundary of the bus (``bus_bytes``) and costs whole beats. An operand tile is fetched again
whenever the loop nest returns to it: the factor of an operand is the product of the trip counts
of the loops it does not depend on that lie outside its innermost loop it does depend on (loops
of one trip do not count). Outputs are written once when the K loop is innermost (or there is
one chunk): partial sums stay on chip (PSUM, 256 bytes per 8x8 tile of 32-bit sums; SWO, DWO
and compensation parts are linear, so one sum per element suffices); otherwise every tile
writes and reads back a 32-bit partial sum between its chunks (``rows * 8 * 4`` bytes each).
Biases (32 bytes per n-block) are read once per m-tile at the final chunk, per-row z, r vectors
(16 bytes per m-block) with every fetch of an activation tile. Compulsory bytes are every
stream of the unchunked image once, biases and row vectors once, the output once.

:func:`best_mapping` picks the least DRAM traffic, then the fewest estimated cycles;
:func:`traffic_floor` gives the dataflow-independent Hong-Kung style bound.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .config import ARCH, CONSTS, CYCLE, ENERGY
from .energy import sram_area_mm2 as macro_area_mm2
from .energy import sram_word_pj
from .memimage import ROWQ_BLOCK_BYTES, Job, JobStats, ceil_div, job_stats
from .rle import HEADER_BYTES
from .slicing import wt_lo_bits

V: int = int(ARCH.V)
TILE_PSUM_BYTES: int = 4 * V * V  # one 8x8 tile of 32-bit partial sums
PSUM_ELEM_BYTES: int = 4
ORDERS: tuple[str, ...] = tuple("".join(p) for p in itertools.permutations("mnk"))
INNER: tuple[str, ...] = ("nm", "mn")


@dataclass(frozen=True)
class Operands:
    """Exact stream figures of one GEMM for the mapper.

    ``act_live`` (MB, K) / ``wt_live`` (NB, K): record positions of every activation / weight
    HO stream (fillers included, :func:`panacea.rle.record_mask`); ``b`` the activation LO width,
    ``lw`` the weight LO bits (5 SBR, 4 plain); ``mode`` the skip-mode code; ``out_bytes`` the
    output bytes written once (the WR_BYTES rule of the job's format); ``bias`` and ``row_q``
    whether biases / per-row vectors are read; ``fmt`` the output format code.
    """

    M: int
    N: int
    K: int
    b: int
    lw: int
    mode: int
    act_live: npt.NDArray[np.bool_]
    wt_live: npt.NDArray[np.bool_]
    out_bytes: int
    bias: bool = False
    row_q: bool = False
    fmt: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        mb, nb = ceil_div(self.M, V), ceil_div(self.N, V)
        if self.act_live.shape != (mb, self.K) or self.wt_live.shape != (nb, self.K):
            raise ValueError(
                f"act_live must be ({mb}, {self.K}) and wt_live ({nb}, {self.K}) for M={self.M} "
                f"N={self.N} K={self.K}, got {self.act_live.shape} and {self.wt_live.shape}"
            )

    @property
    def MB(self) -> int:
        """m-blocks (activation blocks of 8 rows)."""
        return int(self.act_live.shape[0])

    @property
    def NB(self) -> int:
        """n-blocks (weight blocks of 8 channels)."""
        return int(self.wt_live.shape[0])

    @property
    def rows(self) -> npt.NDArray[np.int64]:
        """Real rows of each m-block."""
        return np.minimum(V, self.M - V * np.arange(self.MB, dtype=np.int64))

    @property
    def psum_tile_bytes(self) -> npt.NDArray[np.int64]:
        """Bytes of one spilled partial-sum tile per m-block (real rows x 8 x 4)."""
        return self.rows * V * PSUM_ELEM_BYTES

    def act_chunk_bytes(self, kt: int, bus_bytes: int, worst: bool = False) -> npt.NDArray:
        """(MB, TK) bytes of every activation block's K chunks (LO and HO, whole beats)."""
        return _chunk_bytes(self.act_live, kt, self.b, 9 - self.b, bus_bytes, worst)

    def wt_chunk_bytes(self, kt: int, bus_bytes: int, worst: bool = False) -> npt.NDArray:
        """(NB, TK) bytes of every weight block's K chunks (LO and HO, whole beats)."""
        return _chunk_bytes(self.wt_live, kt, self.lw, 5, bus_bytes, worst)

    def compulsory(self, bus_bytes: int) -> tuple[int, int]:
        """(read, write) bytes any loop nest moves: every unchunked stream, bias block and row
        vector once (whole beats, each stream beat-aligned), the output once."""
        rd = int(self.act_chunk_bytes(self.K, bus_bytes).sum())
        rd += int(self.wt_chunk_bytes(self.K, bus_bytes).sum())
        rd += self.NB * int(_beats(32, bus_bytes)) * bus_bytes * self.bias
        rd += self.MB * int(_beats(ROWQ_BLOCK_BYTES, bus_bytes)) * bus_bytes * self.row_q
        return rd, int(self.out_bytes)

    def dwo_chunks(self, kt: int) -> npt.NDArray[np.int64]:
        """(MB, NB, TK) DWO products of every tile's K chunk (section 2: a*w + a + w per step,
        3 per step in DENSE)."""
        starts = np.arange(0, self.K, kt)
        if self.mode == int(CONSTS.SKIP_DENSE):
            kc = np.diff(np.append(starts, self.K))
            return np.broadcast_to(3 * kc, (self.MB, self.NB, kc.size)).astype(np.int64)
        a = self.act_live.astype(np.float32)
        w = self.wt_live.astype(np.float32)
        out = np.empty((self.MB, self.NB, starts.size), np.int64)
        for c, k0 in enumerate(starts):
            sl = slice(k0, min(self.K, k0 + kt))
            both = np.rint(a[:, sl] @ w[:, sl].T).astype(np.int64)  # exact below 2^24
            out[:, :, c] = (
                both
                + a[:, sl].sum(1).astype(np.int64)[:, None]
                + w[:, sl].sum(1).astype(np.int64)[None, :]
            )
        return out


def _beats(length: int | npt.NDArray, bus_bytes: int) -> npt.NDArray:
    return -(-np.asarray(length, np.int64) // bus_bytes)


def _chunk_bytes(live: npt.NDArray[np.bool_], kt: int, lo_bytes: int, rec_bytes: int,
                 bus_bytes: int, worst: bool) -> npt.NDArray[np.int64]:  # fmt: skip
    k = live.shape[1]
    starts = np.arange(0, k, kt)
    kc = np.diff(np.append(starts, k))
    if worst:
        rec = np.broadcast_to(kc, (live.shape[0], kc.size))
    else:
        rec = np.add.reduceat(live.astype(np.int64), starts, axis=1)
    lo = _beats(kc * lo_bytes, bus_bytes)[None, :]
    ho = _beats(HEADER_BYTES + rec * rec_bytes, bus_bytes)
    return (lo + ho) * bus_bytes


def operands_from_stats(st: JobStats, row_q: bool = False, name: str = "") -> Operands:
    """The :class:`Operands` of a job from its :func:`panacea.memimage.job_stats`."""
    return Operands(
        M=st.M, N=st.N, K=st.K, b=st.b, lw=wt_lo_bits(st.sbr), mode=st.mode,
        act_live=st.act_live, wt_live=st.wt_live, out_bytes=int(st.wr_bytes.sum()),
        bias=st.bias_en, row_q=row_q, fmt=st.out_fmt, name=name,
    )  # fmt: skip


def operands_from_job(job: Job, name: str = "") -> Operands:
    """The :class:`Operands` of one job (its exact streams via ``job_stats``)."""
    return operands_from_stats(job_stats(job), job.per_row, name)


def operands_from_jobs(jobs: Sequence[Sequence[Job]], name: str = "") -> Operands:
    """One GEMM from the descriptor-sized jobs of a larger layer, ``[k chunk][n chunk]`` as
    ``flow.bench_llm.layer_jobs`` builds them (every chunk but the last a multiple of 8 wide):
    the streams are those of the jobs (each job's records), the output is written once."""
    rows = [[job_stats(j) for j in row] for row in jobs]
    first = rows[0][0]
    act = np.concatenate([row[0].act_live for row in rows], axis=1)
    wt = np.concatenate(
        [np.concatenate([s.wt_live for s in col], axis=1) for col in zip(*rows, strict=True)],
        axis=0,
    )
    n = sum(s.N for s in rows[0])
    k = sum(row[0].K for row in rows)
    return Operands(
        M=first.M, N=n, K=k, b=first.b, lw=wt_lo_bits(first.sbr), mode=first.mode,
        act_live=act, wt_live=wt, out_bytes=sum(int(s.wr_bytes.sum()) for s in rows[0]),
        bias=first.bias_en, row_q=jobs[0][0].per_row, fmt=first.out_fmt, name=name,
    )  # fmt: skip


@dataclass(frozen=True)
class Blocking:
    """One point of the blocking family (module docstring)."""

    mt: int
    nt: int
    kt: int
    order: str
    inner: str
    prefetch: bool
    refetch: bool = False
    a_whole: bool = False
    rtl: bool = False  # the RTL's nest: a weight unit per (m-tile, n-group), biases per m-block

    def label(self) -> str:
        """Short text form."""
        return (
            f"mt={self.mt} nt={self.nt} kt={self.kt} order={self.order} "
            f"inner={self.inner}{' prefetch' if self.prefetch else ''}"
            f"{' refetch' if self.refetch else ''}{' a_whole' if self.a_whole else ''}"
            f"{' rtl' if self.rtl else ''}"
        )


@dataclass(frozen=True)
class Buffers:
    """Buffer capacities in bytes: activation buffer, weight buffer per PEA, partial sums."""

    abuf: int
    wbuf_pea: int
    psum: int = 0

    def total(self, num_pea: int) -> int:
        """On-chip bytes of the three buffers."""
        return self.abuf + num_pea * self.wbuf_pea + self.psum


@dataclass(frozen=True)
class Mapping:
    """A blocking's projected figures.

    ``rd`` / ``wr``: DRAM bytes by part (act, wt, bias, rowq, psum; out, psum);
    ``need``: the buffer bytes it needs (:class:`Buffers`); ``sram``: SRAM bytes read and
    written per buffer; ``cycles``: the estimate of :func:`evaluate`, ``operator_cycles`` its
    operator part; ``roofline``: max(operator bound, compulsory bytes / bus bytes per cycle).
    """

    blocking: Blocking
    rd: dict[str, int]
    wr: dict[str, int]
    need: Buffers
    sram: dict[str, int]
    cycles: float
    operator_cycles: float
    roofline: float
    compulsory_rd: int
    compulsory_wr: int
    num_pea: int
    energy_pj: dict[str, float] = field(default_factory=dict)

    @property
    def rd_bytes(self) -> int:
        """DRAM bytes read."""
        return sum(self.rd.values())

    @property
    def wr_bytes(self) -> int:
        """DRAM bytes written."""
        return sum(self.wr.values())

    @property
    def dram_bytes(self) -> int:
        """DRAM bytes read and written."""
        return self.rd_bytes + self.wr_bytes

    @property
    def compulsory(self) -> int:
        """Compulsory bytes, read plus write."""
        return self.compulsory_rd + self.compulsory_wr

    @property
    def ratio(self) -> float:
        """DRAM bytes over compulsory bytes."""
        return self.dram_bytes / self.compulsory

    @property
    def onchip(self) -> int:
        """On-chip buffer bytes the blocking needs."""
        return self.need.total(self.num_pea)


def _tile_max(per_block: npt.NDArray[np.int64], t: int, extra: int = 0) -> int:
    """Largest sum over groups of ``t`` consecutive blocks (axis 0) of one chunk (axis 1)."""
    nb, tk = per_block.shape
    pad = np.zeros((ceil_div(nb, t) * t, tk), np.int64)
    pad[:nb] = per_block
    sums = (
        pad.reshape(-1, t, tk).sum(axis=1)
        + extra * np.minimum(t, nb - t * np.arange(ceil_div(nb, t)))[:, None]
    )
    return int(sums.max())


def _pea_max(per_block: npt.NDArray[np.int64], nt: int, num_pea: int) -> int:
    """Largest bytes one PEA holds of an n-tile's chunk (PEA p: blocks p, p + P, ... of it)."""
    nb, tk = per_block.shape
    nt = min(nt, nb)
    groups = ceil_div(nt, num_pea)
    pad = np.zeros((ceil_div(nb, nt) * groups * num_pea, tk), np.int64)
    # place each n-tile's blocks at the start of its padded slot
    for t0 in range(0, nb, nt):
        blk = per_block[t0 : t0 + nt]
        base = (t0 // nt) * groups * num_pea
        pad[base : base + blk.shape[0]] = blk
    return int(pad.reshape(-1, groups, num_pea, tk).sum(axis=1).max())


@functools.lru_cache(maxsize=4096)
def _word_pj(size: int, op: str) -> float:
    return sram_word_pj(size, op)


def tile_counts(limit: int) -> list[int]:
    """Block counts per tile tried by the mapper: 1 to 8, then steps of about a quarter of the
    value (10, 12, 14, 16, 20, 24, 28, 32, 40, ...), up to ``limit``."""
    out, j = [], 1
    while j <= limit:
        out.append(j)
        j += max(1, 1 << max(0, j.bit_length() - 3))
    return out


class Mapper:
    """The blocking family of one GEMM on a build of ``num_pea`` PEAs and a ``bus_bytes`` port.

    ``worst=True`` sizes the held buffers for every vector live (what a controller that decides
    from the descriptor alone must assume, like the RTL's weight-buffer rule); the default sizes
    them for the job's actual streams (a host that packs the image knows them).
    """

    def __init__(self, ops: Operands, num_pea: int | None = None, bus_bytes: int | None = None,
                 worst: bool = False) -> None:  # fmt: skip
        self.ops = ops
        self.num_pea = int(ARCH.NUM_PEA) if num_pea is None else int(num_pea)
        self.bus = int(ARCH.AXI_DATA_W) // 8 if bus_bytes is None else int(bus_bytes)
        if self.num_pea < 1 or self.bus < 8 or self.bus & (self.bus - 1):
            raise ValueError(f"num_pea must be >= 1 and bus_bytes a power of two >= 8, got "
                             f"{self.num_pea} and {self.bus}")  # fmt: skip
        self.worst = worst
        self.compulsory_rd, self.compulsory_wr = ops.compulsory(self.bus)
        self._act: dict[int, npt.NDArray[np.int64]] = {}
        self._wt: dict[int, npt.NDArray[np.int64]] = {}
        self._size: dict[tuple, int] = {}
        self._op: dict[int, float] = {}

    # -- per-kt data (cached) ------------------------------------------------------------------
    def act(self, kt: int, worst: bool = False) -> npt.NDArray[np.int64]:
        """Activation chunk bytes (MB, TK)."""
        key = kt if not worst else -kt
        if key not in self._act:
            self._act[key] = self.ops.act_chunk_bytes(kt, self.bus, worst)
        return self._act[key]

    def wt(self, kt: int, worst: bool = False) -> npt.NDArray[np.int64]:
        """Weight chunk bytes (NB, TK)."""
        key = kt if not worst else -kt
        if key not in self._wt:
            self._wt[key] = self.ops.wt_chunk_bytes(kt, self.bus, worst)
        return self._wt[key]

    def operator_cycles(self, kt: int) -> float:
        """Cycles of the PEAs over the whole GEMM in chunks of ``kt``: per group of ``num_pea``
        tiles and chunk, the slowest PEA's max(SWO steps, DWO products) plus GROUP_GAP."""
        if kt not in self._op:
            o = self.ops
            dwo = o.dwo_chunks(kt)
            kc = np.diff(np.append(np.arange(0, o.K, kt), o.K))
            cost = np.maximum(dwo, kc[None, None, :])
            ng = ceil_div(o.NB, self.num_pea)
            pad = np.zeros((o.MB, ng * self.num_pea, kc.size), np.int64)
            pad[:, : o.NB] = cost
            grp = pad.reshape(o.MB, ng, self.num_pea, kc.size).max(axis=2)
            self._op[kt] = float(grp.sum() + grp.size * float(CYCLE.GROUP_GAP))
        return self._op[kt]

    @cached_property
    def operator_limit(self) -> float:
        """max(SWO, DWO products) / num_pea over the whole GEMM."""
        o = self.ops
        swo = o.MB * o.NB * o.K
        return max(swo, int(o.dwo_chunks(o.K).sum())) / self.num_pea

    @cached_property
    def roofline(self) -> float:
        """max(operator bound, compulsory read or write bytes / bus bytes per cycle)."""
        return max(self.operator_limit, self.compulsory_rd / self.bus,
                   self.compulsory_wr / self.bus)  # fmt: skip

    # -- the family ----------------------------------------------------------------------------
    def candidates(self) -> list[Blocking]:
        """mt in :func:`tile_counts` (up to MB) and MB; nt the PEA count times those, below NB,
        and NB; kt = K and powers of two from 64 below K; every loop order, inner order and
        prefetch choice; the pure streaming blockings (one m-block and one n-group per tile,
        ``refetch``: every visit fetches both operand tiles, nothing is held, as the RTL without
        a fitting weight buffer); and, with K chunks, ``a_whole`` (ABUF holds the whole
        activation operand, fetched once, while the weights stream in K chunks; mt = MB)."""
        o, p = self.ops, self.num_pea
        mts = sorted({j for j in tile_counts(o.MB) if j < o.MB} | {o.MB})
        nts = sorted({p * j for j in tile_counts(o.NB) if p * j < o.NB} | {o.NB})
        kts = sorted({o.K} | {1 << i for i in range(6, max(6, o.K.bit_length())) if 1 << i < o.K})
        held = [
            Blocking(mt, nt, kt, order, inner, pf)
            for mt in mts
            for nt in nts
            for kt in kts
            for order in ORDERS
            for inner in INNER
            for pf in (False, True)
        ]
        stream = [
            Blocking(1, min(p, o.NB), kt, order, "nm", False, refetch=True)
            for kt in kts
            for order in ORDERS
        ]
        whole = [
            Blocking(o.MB, nt, kt, order, inner, pf, a_whole=True)
            for nt in nts
            for kt in kts
            if kt < o.K
            for order in ORDERS
            for inner in INNER
            for pf in (False, True)
        ]
        return held + stream + whole

    def evaluate(self, bl: Blocking) -> Mapping:
        """DRAM bytes, buffer needs, SRAM accesses and the cycle estimate of one blocking."""
        o, p, bus = self.ops, self.num_pea, self.bus
        trips = {"m": ceil_div(o.MB, bl.mt), "n": ceil_div(o.NB, bl.nt), "k": ceil_div(o.K, bl.kt)}
        eff = [d for d in bl.order if trips[d] > 1]

        def factor(deps: str) -> tuple[int, bool]:
            if bl.refetch:
                return math.prod(trips[d] for d in "mnk" if d not in deps), False
            pos = [eff.index(d) for d in deps if d in eff]
            r = max(pos, default=-1)
            outer = [d for d in eff[: r + 1] if d not in deps]
            inner = [d for d in eff[r + 1 :] if d not in deps]
            return math.prod(trips[d] for d in outer), bool(inner)

        fa, reuse_a = (1, True) if bl.a_whole else factor("mk")
        fw, reuse_w = factor("nk")
        if bl.rtl:  # the RTL loads a weight unit in the first m-block of every (m-tile, n-group)
            fw = trips["m"] if bl.order[0] == "m" else 1
        act, wt = self.act(bl.kt), self.wt(bl.kt)
        a_tot = self._cached(("a_tot", bl.kt), lambda: int(act.sum()))
        w_tot = self._cached(("w_tot", bl.kt), lambda: int(wt.sum()))
        rowq = o.MB * int(_beats(ROWQ_BLOCK_BYTES, bus)) * bus * o.row_q
        tk = trips["k"]
        rd = {
            "act": fa * a_tot,
            "rowq": rowq if bl.a_whole else fa * rowq * tk,
            "wt": fw * w_tot,
            "bias": (o.MB if bl.rtl else trips["m"]) * o.NB * int(_beats(32, bus)) * bus * o.bias,
            "psum": 0,
        }
        wr = {"out": o.out_bytes, "psum": 0}
        on_chip_psum = tk == 1 or eff[-1] == "k"
        psum_need = 0
        tiles = o.MB * o.NB
        if tk > 1 and on_chip_psum:
            psum_need = min(bl.mt, o.MB) * min(bl.nt, o.NB) * TILE_PSUM_BYTES
        elif tk > 1:
            spill = int(o.psum_tile_bytes.sum()) * o.NB * (tk - 1)
            rd["psum"] = wr["psum"] = spill
        groups_in_tile = ceil_div(min(bl.nt, o.NB), p)
        mb_in_tile = min(bl.mt, o.MB)
        hold_a = reuse_a or (bl.inner == "nm" and groups_in_tile > 1)
        hold_w = reuse_w or (bl.inner == "mn" and mb_in_tile > 1)
        unit_a = not hold_a and bl.inner == "mn" and groups_in_tile > 1
        unit_w = not hold_w and bl.inner == "nm" and mb_in_tile > 1
        copies = 2 if bl.prefetch else 1
        w_sz = self.wt(bl.kt, self.worst)
        a_sz = self.act(bl.kt, self.worst)
        rq = rowq // max(o.MB, 1)
        abuf = wbuf = 0
        if bl.a_whole:
            abuf = self._cached(("a_whole",), lambda: int(a_sz.sum()) + rowq)
        elif hold_a:
            abuf = copies * self._cached(("a", bl.mt, bl.kt), lambda: _tile_max(a_sz, bl.mt, rq))
        elif unit_a:
            abuf = 2 * self._cached(("a", 1, bl.kt), lambda: _tile_max(a_sz, 1, rq))
        if hold_w:
            wbuf = copies * self._cached(("w", bl.nt, bl.kt), lambda: _pea_max(w_sz, bl.nt, p))
        elif unit_w:
            wbuf = 2 * self._cached(("w", 1, bl.kt), lambda: int(w_sz.max()))
        need = Buffers(abuf=abuf, wbuf_pea=wbuf, psum=psum_need)
        # SRAM traffic: each (m-block, n-group, chunk) plays the activation chunk once, each
        # (m-block, n-block, chunk) a PEA's weight chunk once; partial sums read and written
        # once per tile and chunk after the first.
        ngroups = self._cached(
            ("ng", bl.nt),
            lambda: sum(ceil_div(min(bl.nt, o.NB - n0), p) for n0 in range(0, o.NB, bl.nt)),
        )
        sram = {
            "abuf_wr": rd["act"] if abuf else 0,
            "abuf_rd": a_tot * ngroups if abuf else 0,
            "wbuf_wr": rd["wt"] if wbuf else 0,
            "wbuf_rd": w_tot * o.MB if wbuf else 0,
            "psum_rd": tiles * (tk - 1) * TILE_PSUM_BYTES if psum_need else 0,
            "psum_wr": tiles * (tk - 1) * TILE_PSUM_BYTES if psum_need else 0,
        }
        op = self.operator_cycles(bl.kt)
        rd_b, wr_b = sum(rd.values()), sum(wr.values())
        # Cycle estimate: the PEAs, the read channel and the write channel overlap; a held tile
        # without a prefetch copy is fetched while the operators wait (its bytes in series),
        # with one only the first tiles' fetch is exposed.
        # A whole activation operand streams in during the first pass over it (played behind
        # its writer, as the RTL's weight buffer does), so it adds no serial time.
        held = (rd["act"] if hold_a and not bl.a_whole else 0) + (rd["wt"] if hold_w else 0)
        if bl.prefetch:
            first = (abuf // copies if hold_a and not bl.a_whole else 0) + p * (
                wbuf // copies if hold_w else 0
            )
            serial = min(first, held)
        else:
            serial = held
        cycles = serial / bus + max(op, (rd_b - serial) / bus, wr_b / bus)
        energy = {
            "dram": (rd_b + wr_b) * float(ENERGY.DRAM_BYTE_PJ),
            "sram": self._sram_pj(sram, need),
        }
        return Mapping(
            blocking=bl, rd=rd, wr=wr, need=need, sram=sram, cycles=cycles, operator_cycles=op,
            roofline=self.roofline, compulsory_rd=self.compulsory_rd,
            compulsory_wr=self.compulsory_wr, num_pea=p, energy_pj=energy,
        )  # fmt: skip

    def _cached(self, key: tuple, fn) -> int:  # noqa: ANN001
        if key not in self._size:
            self._size[key] = fn()
        return self._size[key]

    def _sram_pj(self, sram: dict[str, int], need: Buffers) -> float:
        total = 0.0
        for name, size in (("abuf", need.abuf), ("wbuf", need.wbuf_pea), ("psum", need.psum)):
            if size:
                for op, key in (("read", "rd"), ("write", "wr")):
                    total += sram[f"{name}_{key}"] / 8 * _word_pj(size, op)
        return total

    def mappings(self, blockings: Iterable[Blocking] | None = None) -> list[Mapping]:
        """Every blocking of the family (or of ``blockings``) evaluated."""
        return [self.evaluate(b) for b in (self.candidates() if blockings is None else blockings)]


def fits(m: Mapping, buf: Buffers) -> bool:
    """True when ``m``'s buffer needs fit the capacities ``buf``."""
    return m.need.abuf <= buf.abuf and m.need.wbuf_pea <= buf.wbuf_pea and m.need.psum <= buf.psum


def pick(maps: Iterable[Mapping]) -> Mapping | None:
    """Least DRAM traffic, then fewest estimated cycles, then least on-chip bytes."""
    return min(maps, key=lambda m: (m.dram_bytes, m.cycles, m.onchip), default=None)


def best_mapping(mapper: Mapper, buf: Buffers,
                 maps: Sequence[Mapping] | None = None) -> Mapping | None:  # fmt: skip
    """The chosen blocking for the buffer capacities ``buf`` (None if nothing fits)."""
    maps = mapper.mappings() if maps is None else maps
    return pick(m for m in maps if fits(m, buf))


def best_within(maps: Sequence[Mapping], budget: int) -> Mapping | None:
    """The chosen blocking among those whose three buffers together need at most ``budget``
    bytes (the split follows from the blocking)."""
    return pick(m for m in maps if m.onchip <= budget)


def traffic_floor(ops: Operands, onchip: int, bus_bytes: int) -> float:
    """Dataflow-independent lower bound on DRAM bytes with ``onchip`` bytes of buffers, as a
    ratio to the compulsory bytes (>= 1).

    Hong-Kung / Irony-Toledo-Tiskin style: split the execution into segments of S = ``onchip``
    transferred bytes. In a segment the operand bytes it can use are at most 2S (S resident at
    its start, S read): ``alpha*|A| + beta*|B| <= 2S`` for the activation and weight elements
    it touches (alpha, beta: the job's compressed bytes per element, an average), and every
    partial sum it touches ends resident or written: ``gamma*|C| <= 2S`` (gamma = 4, a 32-bit
    sum). By Loomis-Whitney a segment does at most ``sqrt(|A||B||C|) <=
    sqrt(2 S^3 / (alpha*beta*gamma))`` multiply-accumulates (AM-GM: ``|A||B| <= S^2 /
    (alpha*beta)``), so ``Q >= S * (ceil(MNK / that) - 1)``. The bound holds for any schedule
    but is weak when one operand nearly fits (small M): on the LLM layers it exceeds the
    compulsory bytes only at small budgets.
    """
    rd, wr = ops.compulsory(bus_bytes)
    comp = rd + wr
    alpha = ops.act_chunk_bytes(ops.K, bus_bytes).sum() / (ops.M * ops.K)
    beta = ops.wt_chunk_bytes(ops.K, bus_bytes).sum() / (ops.N * ops.K)
    per_seg = math.sqrt(2.0 * float(onchip) ** 3 / (alpha * beta * PSUM_ELEM_BYTES))
    q = onchip * (math.ceil(ops.M * ops.N * ops.K / per_seg) - 1)
    return max(1.0, q / comp)


def sram_area_mm2(m: Mapping) -> float:
    """Modelled area of the blocking's buffers (arch.toml [sram], one 1R1W macro per buffer,
    every PEA's weight buffer its own macro; ``panacea.energy.sram_area_mm2``)."""
    tot = 0.0
    for kib, count in ((m.need.abuf / 1024, 1), (m.need.wbuf_pea / 1024, m.num_pea),
                       (m.need.psum / 1024, 1)):  # fmt: skip
        if kib:
            tot += count * macro_area_mm2(kib, 2)
    return tot


def rtl_blocking(ops: Operands, num_pea: int | None = None, mt: int = 0) -> Blocking:
    """The RTL's own loop nest in this family for descriptor ``mt`` (its traffic when the
    weight unit fits the buffer): ``mt = 0`` n-groups outside m-blocks, one m-block and one
    n-group per tile; ``mt > 0`` m-tiles of ``mt`` m-blocks outside n-groups, the m-tile's
    activations held (ABUF), a weight unit loaded per (m-tile, n-group). No K blocking; biases
    read in every tile group."""
    p = int(ARCH.NUM_PEA) if num_pea is None else num_pea
    if mt == 0:
        return Blocking(mt=1, nt=p, kt=ops.K, order="nmk", inner="nm", prefetch=True, rtl=True)
    return Blocking(
        mt=min(mt, ops.MB), nt=p, kt=ops.K, order="mnk", inner="nm", prefetch=True, rtl=True
    )


def format_mapping(m: Mapping, title: str = "") -> str:
    """A few lines describing the chosen blocking and its bytes against compulsory."""
    mb = 1e6
    n = m.need
    lines = [
        f"{title}{m.blocking.label()}",
        f"  DRAM {m.dram_bytes / mb:.2f} MB = {m.ratio:.3f}x compulsory {m.compulsory / mb:.2f} MB"
        f" (read {m.rd_bytes / mb:.2f}: act {m.rd['act'] / mb:.2f}, wt {m.rd['wt'] / mb:.2f}, "
        f"psum {m.rd['psum'] / mb:.2f}; write {m.wr_bytes / mb:.2f})",
        f"  buffers ABUF {n.abuf / 1024:.1f} KiB, WBUF {n.wbuf_pea / 1024:.1f} KiB x "
        f"{m.num_pea} PEAs, PSUM {n.psum / 1024:.1f} KiB: {m.onchip / 1024:.1f} KiB, "
        f"{sram_area_mm2(m):.2f} mm^2",
        f"  cycles ~{m.cycles:.0f} = {m.cycles / m.roofline:.3f}x roofline {m.roofline:.0f} "
        f"(operators {m.operator_cycles:.0f})",
    ]
    return "\n".join(lines)


def parse_budget(text: str) -> int:
    """Bytes from "1MiB", "512KiB", "768k", "2M" or a plain number of bytes."""
    t = text.strip().lower().removesuffix("b").removesuffix("i")
    scale = {"k": 1 << 10, "m": 1 << 20}.get(t[-1:], 1)
    try:
        value = float(t[:-1] if scale > 1 else t)
    except ValueError:
        raise ValueError(
            f"budget must be bytes or a size like 1MiB or 512KiB, got {text!r}"
        ) from None
    if value <= 0:
        raise ValueError(f"budget must be positive, got {text!r}")
    return int(value * scale)


def project(job: Job, budget: int, num_pea: int | None = None,
            bus_bytes: int | None = None) -> dict[str, object]:  # fmt: skip
    """The mapper's choice for ``job`` within ``budget`` on-chip bytes (any split), beside the
    RTL's loop nest in the same accounting and the traffic floor; JSON-ready, with ``text``."""
    mpr = Mapper(operands_from_job(job), num_pea, bus_bytes)
    maps = mpr.mappings()
    best = best_within(maps, budget)
    rtl = mpr.evaluate(rtl_blocking(mpr.ops, mpr.num_pea))
    floor = traffic_floor(mpr.ops, budget, mpr.bus)
    head = (f"  mapper projection (K chunks, a hierarchy the RTL has in part; {mpr.num_pea} "
            f"PEAs, {8 * mpr.bus}-bit port, budget {budget / 1024:.0f} KiB); the RTL loop nest "
            f"with mt = 0 in this accounting: {rtl.ratio:.2f}x compulsory")  # fmt: skip
    if best is None:
        return {"budget": budget, "chosen": None, "text": head + "\n  nothing fits the budget"}
    text = "\n".join([head, format_mapping(best, "  chosen: "),
                      f"  Hong-Kung floor at this budget: {floor:.2f}x compulsory"])  # fmt: skip
    return {
        "budget": budget,
        "chosen": best.blocking.label(),
        "ratio": best.ratio,
        "dram_bytes": best.dram_bytes,
        "compulsory_bytes": best.compulsory,
        "buffers": {
            "abuf": best.need.abuf,
            "wbuf_pea": best.need.wbuf_pea,
            "psum": best.need.psum,
        },  # fmt: skip
        "cycles": best.cycles,
        "roofline": best.roofline,
        "rtl_ratio": rtl.ratio,
        "floor_ratio": floor,
        "text": text,
    }


__all__ = [
    "Blocking",
    "Buffers",
    "Mapper",
    "Mapping",
    "Operands",
    "best_mapping",
    "best_within",
    "fits",
    "format_mapping",
    "operands_from_job",
    "operands_from_jobs",
    "operands_from_stats",
    "parse_budget",
    "pick",
    "project",
    "rtl_blocking",
    "sram_area_mm2",
    "traffic_floor",
]
