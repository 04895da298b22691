"""cocotb unit bench for rtl/pnc_axi_rd.sv (NS read streams -> one AXI4 read channel).

Drives random requests on every stream at once with random consumer backpressure and checks,
byte-exactly against the memory, every beat each stream delivers (data and rd_last). Two memory
sides:
- cocotbext-axi's AxiRamRead with random AR/R pause generators (in-order slave). AxiRamRead wraps
  addresses modulo its size; `BoundedRamRead` raises instead, so reads beyond the RAM answer
  SLVERR with zero data;
- `InterleavingSlave` below, which returns beats of different IDs interleaved beat by beat and
  answers SLVERR/DECERR for chosen address ranges.
An AR monitor checks every burst (INCR, full size, <= AXI_MAX_BURST beats, no 4 KiB crossing,
ARID in range, exactly the maximal split of each request in order), the credit rule (beats
requested but not yet consumed by a stream never exceed its FIFO depth) and the low-priority
rule: a burst of a request made with req_low_i (random here) is issued only while at most
LOW_PRIO_BEATS low-priority beats are still owed by the slave; a directed test checks that they
yield to a normal stream.

Seeds: numpy Generator from cocotb.RANDOM_SEED and the test name (same stimulus on every
simulator). Rerun one test: see the command printed by verif/tests/test_rtl_bus.py on failure.
"""
from __future__ import annotations

from collections import deque

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiRamRead, AxiReadBus

from verif.tests.unit._axi import BEAT, MAXB, attach, make_rng, run_until, split_bursts, start

FIFO_DEPTH = 2 * MAXB  # pnc_axi_rd default FifoDepth
LOW_PRIO_BEATS = 4     # pnc_axi_rd default LowPrioBeats
RAM_SIZE = 1 << 16
RESP_OKAY, RESP_SLVERR, RESP_DECERR = 0, 2, 3


class ReadBench:
    """Request driver, consumer with backpressure, scoreboard and AR monitor for all streams."""

    def __init__(self, dut, rng: np.random.Generator, mem: bytearray, err_fn=None):
        self.dut = dut
        self.rng = rng
        self.ns = len(dut.req_valid_i)
        self.mem = mem
        self.err_fn = err_fn or (lambda addr: RESP_OKAY)  # response the slave gives per address
        self.todo = [deque() for _ in range(self.ns)]      # requests not yet offered
        self.cur: list[tuple[int, int] | None] = [None] * self.ns
        self.expect = [deque() for _ in range(self.ns)]    # (word, last) per stream
        self.bursts_due = [deque() for _ in range(self.ns)]  # (addr, beats) the ARs must follow
        self.p_req = [1.0] * self.ns
        self.p_low = 0.0                # share of requests made low priority
        self.low_out = 0                # low-priority beats requested, not yet received
        self.max_low_before = 0         # most of them owed when another low burst was issued
        self.ar_low = [0] * self.ns     # low-priority bursts issued per stream
        self.burst_low = [deque() for _ in range(self.ns)]  # low flag of outstanding bursts
        self.p_rdy = [1.0] * self.ns
        self.stall = [False] * self.ns  # consumer held off completely
        self.issued = [0] * self.ns     # beats requested on AR per stream
        self.popped = [0] * self.ns     # beats consumed per stream
        self.delivered = [0] * self.ns
        self.beats = 0
        self.errs = 0
        self.err_expected = 0
        self.max_outstanding = 0
        self.ar_count = 0
        self.ar_order: list[int] = []   # ARID of every burst, in issue order
        self.rlast_count = 0
        self.errors: list[str] = []

    def submit(self, s: int, addr: int, length: int, low: bool | None = None) -> None:
        assert addr % BEAT == 0 and length > 0
        nbeats = -(-length // BEAT)
        if low is None:
            low = bool(self.rng.random() < self.p_low)
        self.todo[s].append((addr, length, low))
        for i in range(nbeats):
            a = addr + i * BEAT
            if a + BEAT <= len(self.mem):
                word = int.from_bytes(self.mem[a:a + BEAT], "little")
            else:
                word = 0
            self.expect[s].append((word, i == nbeats - 1))
            if self.err_fn(a) != RESP_OKAY:
                self.err_expected += 1
        self.bursts_due[s].extend((a, n, low) for a, n in split_bursts(addr, nbeats))

    def pending(self) -> bool:
        return any(self.todo[s] or self.cur[s] is not None or self.expect[s]
                   for s in range(self.ns))

    def start(self) -> None:
        cocotb.start_soon(self._drive())
        cocotb.start_soon(self._monitor_ar())

    def _fail(self, msg: str) -> None:
        if len(self.errors) < 20:
            self.dut._log.error(msg)
        self.errors.append(msg)

    async def _drive(self) -> None:
        dut, ns = self.dut, self.ns
        while True:
            await RisingEdge(dut.clk_i)
            # -- sample the handshakes of the edge that just happened
            rdy = int(dut.req_ready_o.value)
            for s in range(ns):
                if self.cur[s] is not None and (rdy >> s) & 1:
                    self.cur[s] = None
            rdv = int(dut.rd_valid_o.value)
            taken = rdv & int(dut.rd_ready_i.value)
            if taken:
                data = str(dut.rd_data_o.value)
                last = str(dut.rd_last_o.value)  # idle streams may show X
                width = len(data)
                for s in range(ns):
                    if not (taken >> s) & 1:
                        continue
                    word = int(data[width - (s + 1) * BEAT * 8:width - s * BEAT * 8], 2)
                    self.popped[s] += 1
                    self.delivered[s] += 1
                    if not self.expect[s]:
                        self._fail(f"stream {s}: unexpected beat {word:#x}")
                        continue
                    ew, el = self.expect[s].popleft()
                    got_last = last[ns - 1 - s] == "1"
                    if word != ew or got_last != el:
                        self._fail(f"stream {s} beat {self.delivered[s] - 1}: got {word:#018x} "
                                   f"last={got_last}, expected {ew:#018x} last={el}")
            self.beats += int(dut.beat_o.value)
            self.errs += int(dut.err_o.value)
            # -- drive the next cycle
            valid = addr = length = ready = low = 0
            for s in range(ns):
                if self.cur[s] is None and self.todo[s] and self.rng.random() < self.p_req[s]:
                    self.cur[s] = self.todo[s].popleft()
                if self.cur[s] is not None:
                    valid |= 1 << s
                    addr |= self.cur[s][0] << (32 * s)
                    length |= self.cur[s][1] << (24 * s)
                    low |= int(self.cur[s][2]) << s
                if not self.stall[s] and self.rng.random() < self.p_rdy[s]:
                    ready |= 1 << s
            dut.req_valid_i.value = valid
            dut.req_addr_i.value = addr
            dut.req_len_i.value = length
            dut.req_low_i.value = low
            dut.rd_ready_i.value = ready

    async def _monitor_ar(self) -> None:
        dut = self.dut
        outstanding = 0
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.m_axi_rvalid.value) and int(dut.m_axi_rready.value):
                rid = int(dut.m_axi_rid.value)
                if rid < self.ns and self.burst_low[rid] and self.burst_low[rid][0]:
                    self.low_out -= 1
                if int(dut.m_axi_rlast.value):
                    outstanding -= 1
                    self.rlast_count += 1
                    if rid < self.ns and self.burst_low[rid]:
                        self.burst_low[rid].popleft()
            if not (int(dut.m_axi_arvalid.value) and int(dut.m_axi_arready.value)):
                continue
            self.ar_count += 1
            self.ar_order.append(int(dut.m_axi_arid.value))
            outstanding += 1
            self.max_outstanding = max(self.max_outstanding, outstanding)
            s = int(dut.m_axi_arid.value)
            a = int(dut.m_axi_araddr.value)
            n = int(dut.m_axi_arlen.value) + 1
            size = int(dut.m_axi_arsize.value)
            if int(dut.m_axi_arburst.value) != 1 or (1 << size) != BEAT:
                self._fail(f"AR {a:#x}: not an INCR full-width burst")
            if s >= self.ns:
                self._fail(f"AR {a:#x}: ARID {s} out of range")
                continue
            if n > MAXB or (a & 0xFFF) + n * BEAT > 4096:
                self._fail(f"AR {a:#x} len {n}: too long or crosses 4 KiB")
            if not self.bursts_due[s]:
                self._fail(f"stream {s}: unexpected burst {a:#x} len {n}")
            else:
                ea, en, low = self.bursts_due[s].popleft()
                if (a, n) != (ea, en):
                    self._fail(f"stream {s}: burst {a:#x} len {n}, expected {ea:#x} len {en}")
                self.burst_low[s].append(low)
                if low:
                    self.ar_low[s] += 1
                    self.max_low_before = max(self.max_low_before, self.low_out)
                    if self.low_out > LOW_PRIO_BEATS:
                        self._fail(f"stream {s}: low-priority burst issued with {self.low_out} "
                                   f"low-priority beats still owed > {LOW_PRIO_BEATS}")
                    self.low_out += n
            self.issued[s] += n
            if self.issued[s] - self.popped[s] > FIFO_DEPTH:
                self._fail(f"stream {s}: {self.issued[s] - self.popped[s]} beats requested "
                           f"but not consumed > FIFO depth {FIFO_DEPTH}")

    async def wait_done(self, max_cycles: int) -> None:
        await run_until(self.dut.clk_i, lambda: not self.pending(), max_cycles, drain=4)
        left = [len(e) for e in self.expect]
        assert not self.pending(), f"timeout: beats still expected per stream {left}"

    def check(self) -> None:
        assert not self.errors, f"{len(self.errors)} mismatches, first: {self.errors[0]}"
        total = sum(self.delivered)
        assert self.beats == total, f"beat_o pulses {self.beats} != beats delivered {total}"
        assert self.errs == self.err_expected, \
            f"err_o pulses {self.errs} != error beats {self.err_expected}"
        assert not any(self.bursts_due), "bursts expected but never issued"
        assert self.rlast_count == self.ar_count


class InterleavingSlave:
    """AXI4 read slave that interleaves R beats of different IDs and injects error responses.

    Bursts of one ID come back in order (as AXI requires); among IDs with data pending, each R
    beat is taken from a random one.
    """

    def __init__(self, dut, rng, mem: bytearray, err_fn, p_ar: float, p_r: float):
        self.dut, self.rng, self.mem, self.err_fn = dut, rng, mem, err_fn
        self.p_ar, self.p_r = p_ar, p_r
        self.queues: dict[int, deque] = {}
        dut.m_axi_arready.value = 0
        dut.m_axi_rvalid.value = 0
        cocotb.start_soon(self._run())

    async def _run(self) -> None:
        dut = self.dut
        cur = None
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.m_axi_arvalid.value) and int(dut.m_axi_arready.value):
                rid = int(dut.m_axi_arid.value)
                a = int(dut.m_axi_araddr.value)
                n = int(dut.m_axi_arlen.value) + 1
                q = self.queues.setdefault(rid, deque())
                for i in range(n):
                    ba = a + i * BEAT
                    q.append((rid, int.from_bytes(self.mem[ba:ba + BEAT], "little"),
                              self.err_fn(ba), i == n - 1))
            if cur is not None and int(dut.m_axi_rready.value):
                cur = None
            dut.m_axi_arready.value = int(self.rng.random() < self.p_ar)
            if cur is None:
                ids = [i for i, q in self.queues.items() if q]
                if ids and self.rng.random() < self.p_r:
                    cur = self.queues[ids[int(self.rng.integers(len(ids)))]].popleft()
            if cur is None:
                dut.m_axi_rvalid.value = 0
            else:
                rid, data, resp, last = cur
                dut.m_axi_rid.value = rid
                dut.m_axi_rdata.value = data
                dut.m_axi_rresp.value = resp
                dut.m_axi_rlast.value = int(last)
                dut.m_axi_rvalid.value = 1


async def setup(dut) -> None:
    await start(dut, (dut.req_valid_i, dut.req_addr_i, dut.req_len_i, dut.req_low_i,
                      dut.rd_ready_i, dut.m_axi_arready, dut.m_axi_rvalid))


def random_mem(rng, size: int) -> bytearray:
    return bytearray(rng.integers(0, 256, size, dtype=np.uint8).tobytes())


class BoundedRamRead(AxiRamRead):
    """AxiRamRead whose out-of-range reads fail (the slave then answers SLVERR, data 0)."""

    async def _read(self, address, length):
        if address + length > self.size:
            raise ValueError(f"read {address:#x}+{length} beyond the RAM")
        return await super()._read(address, length)


def attach_ram(dut, rng, mem: bytearray, p_ar: float, p_r: float) -> AxiRamRead:
    return attach(BoundedRamRead, AxiReadBus, dut, rng, mem, ar=p_ar, r=p_r)


async def ram_bench(dut, test_name: str, p_pause: float, size: int = RAM_SIZE,
                    err_fn=None) -> ReadBench:
    """Reset, then a bench over a random RAM of ``size`` bytes behind BoundedRamRead, AR and R
    paused with probability ``p_pause``; ``tb.rng`` is the test's generator."""
    rng = make_rng(test_name)
    await setup(dut)
    mem = random_mem(rng, size)
    attach_ram(dut, rng, mem, p_ar=p_pause, p_r=p_pause)
    return ReadBench(dut, rng, mem, err_fn=err_fn)


def random_request(rng, ram_size: int) -> tuple[int, int]:
    """Beat-aligned address (often just below a 4 KiB boundary), length 1..300 bytes."""
    length = int(rng.integers(1, 301))
    span = -(-length // BEAT) * BEAT
    if rng.random() < 0.3:
        page = int(rng.integers(1, ram_size // 4096))
        addr = page * 4096 - BEAT * int(rng.integers(1, 2 * MAXB))
    else:
        addr = BEAT * int(rng.integers(0, (ram_size - span) // BEAT))
    return addr, length


@cocotb.test()
async def rd_random_all_streams_ram_pauses(dut):
    """Random requests on every stream at once, AxiRam with AR/R pauses, random backpressure."""
    tb = await ram_bench(dut, "rd_random_all_streams_ram_pauses", p_pause=0.3)
    rng = tb.rng
    tb.p_low = 0.3
    for s in range(tb.ns):
        tb.p_req[s] = float(rng.choice([1.0, 0.5, 0.1]))
        tb.p_rdy[s] = float(rng.choice([1.0, 0.7, 0.3]))
        for _ in range(25):
            tb.submit(s, *random_request(rng, RAM_SIZE))
    # Edge cases: one beat, exactly one burst, a burst ending on the page, a long cross-page run.
    tb.submit(0, 4096 - BEAT, 1)
    tb.submit(0, 8192 - MAXB * BEAT, MAXB * BEAT)
    tb.submit(tb.ns - 1, 3 * 4096 - 3 * BEAT, 300)
    tb.submit(tb.ns - 1, 5 * 4096 - 5 * BEAT, 4096 + 200)
    tb.start()
    await tb.wait_done(60000)
    tb.check()
    dut._log.info("beats %d, bursts %d, max outstanding bursts %d", tb.beats, tb.ar_count,
                  tb.max_outstanding)
    assert tb.max_outstanding > 1, "never had two bursts outstanding"


@cocotb.test()
async def rd_slverr_beyond_ram(dut):
    """Reads past the end of the AxiRam get SLVERR: err_o per beat, data still delivered."""
    size = 8192
    tb = await ram_bench(dut, "rd_slverr_beyond_ram", p_pause=0.2, size=size,
                         err_fn=lambda a: RESP_SLVERR if a + BEAT > size else RESP_OKAY)
    tb.submit(0, size - 5 * BEAT, 10 * BEAT)      # 5 good beats, 5 error beats
    tb.submit(tb.ns - 1, size + 64, 3 * BEAT - 3)  # all error
    tb.submit(0, 0, 77)                            # and the stream still works afterwards
    tb.start()
    await tb.wait_done(5000)
    tb.check()
    assert tb.errs == 8


@cocotb.test()
async def rd_interleaved_ids_with_errors(dut):
    """Beat-interleaved R across IDs, SLVERR/DECERR regions, random pauses and backpressure."""
    rng = make_rng("rd_interleaved_ids_with_errors")
    await setup(dut)
    mem = random_mem(rng, RAM_SIZE)

    def err_fn(a: int) -> int:
        if 0x3000 <= a < 0x3100:
            return RESP_SLVERR
        if 0x7F00 <= a < 0x8000:
            return RESP_DECERR
        return RESP_OKAY

    InterleavingSlave(dut, rng, mem, err_fn, p_ar=0.5, p_r=0.8)
    tb = ReadBench(dut, rng, mem, err_fn=err_fn)
    tb.p_low = 0.3
    for s in range(tb.ns):
        tb.p_rdy[s] = float(rng.choice([1.0, 0.6, 0.25]))
        for _ in range(20):
            tb.submit(s, *random_request(rng, RAM_SIZE))
    tb.submit(0, 0x3000 - 2 * BEAT, 64)
    tb.submit(1 % tb.ns, 0x7F00 - BEAT, 300)
    tb.start()
    await tb.wait_done(60000)
    tb.check()
    assert tb.errs > 0
    dut._log.info("beats %d, error beats %d, max outstanding %d", tb.beats, tb.errs,
                  tb.max_outstanding)


@cocotb.test()
async def rd_no_head_of_line_blocking(dut):
    """A stalled consumer on stream 0 fills only its own FIFO; the other streams keep going."""
    tb = await ram_bench(dut, "rd_no_head_of_line_blocking", p_pause=0.0)
    tb.stall[0] = True
    tb.submit(0, 0, 2000)
    for s in range(1, tb.ns):
        for i in range(6):
            tb.submit(s, 0x4000 * s + 512 * i, 256)
    tb.start()
    for _ in range(3000):
        await RisingEdge(dut.clk_i)
        if not any(tb.expect[s] for s in range(1, tb.ns)):
            break
    others = [len(tb.expect[s]) for s in range(1, tb.ns)]
    assert not any(others), f"other streams blocked by stream 0: beats left {others}"
    assert tb.popped[0] == 0 and tb.issued[0] == FIFO_DEPTH, \
        f"stream 0 should have exactly its FIFO depth requested, got {tb.issued[0]}"
    tb.stall[0] = False
    await tb.wait_done(5000)
    tb.check()


@cocotb.test()
async def rd_low_priority_yields(dut):
    """A low-priority request (req_low_i) gets the bus only when the normal stream cannot issue:
    with both streams busy, the normal one's bursts go first and the low one fills the gaps,
    issuing the next only when at most LOW_PRIO_BEATS of its beats are still owed."""
    tb = await ram_bench(dut, "rd_low_priority_yields", p_pause=0.0)
    n = 32 * MAXB * BEAT  # 32 full bursts each
    tb.submit(0, 0x1000, n, low=False)
    tb.submit(1, 0x8000, n, low=True)
    tb.start()
    await tb.wait_done(20000)
    tb.check()
    order = tb.ar_order
    last_hi = max(i for i, s in enumerate(order) if s == 0)
    low_before = sum(1 for s in order[:last_hi] if s == 1)
    dut._log.info("AR order %s; low bursts before the last normal one: %d of 32",
                  "".join("N" if s == 0 else "L" for s in order), low_before)
    assert 0 < tb.max_low_before <= LOW_PRIO_BEATS
    # Round-robin would interleave them 1:1 (about 31 low bursts before the last normal one).
    assert low_before <= 20, f"{low_before} low-priority bursts went before the normal stream's"
