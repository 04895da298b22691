"""FastAxiRam: an AXI4 slave memory served by ONE coroutine per clock edge.

Why not cocotbext-axi's ``AxiRam`` (the well-kept library the rest of the testbench uses)? It is
correct, but it is built from seven cooperating coroutines (AR/AW/W sinks, R/B sources, a read
and a write process) plus valid/ready edge monitors, and every sink and source writes its
ready/valid and payload signals on every cycle it is awake. On ``pnc_top`` under Verilator that
was about 3.5 coroutine resumes and several signal writes per DUT cycle; a signal write costs an
extra evaluation of the model (~6 us for the first write of a time step, ~2 us for each further
one, against ~25 us for a whole bare clock cycle). The testbench-overhead target of
docs/performance.md (full environment at least half the clock-only DUT cycles/s) is out of
reach with it (0.45-0.47). The other AXI4 slaves on
PyPI do not fit: ``rapidstream-cocotbext-axi`` is an old fork of the same library, and
cocotb-bus's ``AXI4Slave`` (unmaintained) has no B channel, needs AxPROT and polls with a
``ReadOnly`` per cycle. This model keeps ``AxiRam``'s observable timing and replaces the
machinery:

* one coroutine awaits the rising clock edge and serves all five channels in a fixed order
  (AR/AW/W sinks, R/B sources, then the read and write "processes"), the order in which
  cocotbext-axi's coroutines take effect within a time step (its edge-triggered sinks and
  sources all run before the processes they wake through queues and events);
* a signal is written only when its value changes (R payload: once per beat, valid/ready on
  transitions only); a DUT output is read only when it can matter: a sink's VALID only while it
  may be high (after a rising edge, until read low), RREADY/BREADY only while RVALID/BVALID is
  high and the ready has not been read high without falling since (edge watchers keep these
  flags; one resume per edge of those signals, none per cycle), the A*/W payload only on a
  handshake;
* when nothing is queued or in flight (and no stall pattern is running) the coroutine sleeps
  until ARVALID, AWVALID or WVALID rises, so idle bus cycles cost no Python at all (like
  cocotbext-axi's sleeping sinks, this relies on cocotb running a clock edge's callbacks before
  the value changes that edge causes in the DUT, which holds on Icarus and Verilator);
* the memory is sparse: a ``bytearray`` per 4 KiB page, made on the first write to it (an
  unwritten page reads as zeros), so ``size`` may be the whole 32-bit address space and regions
  can sit anywhere in it without aliasing (a burst never crosses a page, so a beat is in one).

Timing (no stalls), identical to cocotbext-axi 0.1.28's ``AxiRam`` (checked job by job, CYCLES
and every counter, see docs/verification.md): each sink queues up to two requests and drives its
READY low while two are queued (AR, AW, W); an AR accepted at edge k has its first beat on
RDATA/RVALID after edge k+1 and then one beat per cycle while RREADY is high; the read process
keeps up to two beats queued for the R source, so bursts follow each other without a gap when
the next AR arrives in time; a write burst's B response is queued when its last W beat has been
taken and driven after the next edge; every payload signal except the ready/valid pair starts as
X (as cocotbext-axi's sources do).

Stalls: ``set_pauses({channel: pattern})`` with per-cycle bool patterns (True = pause) for
``ar``, ``r``, ``aw``, ``w``, ``b``; pattern index i applies at the i-th rising edge after the
call, cycled. A paused sink drives READY low; a paused source does not start a new beat (a beat
already on the bus stays until its handshake: valid is never withdrawn, data never changes while
valid and not ready). While any pattern runs the coroutine wakes on every edge.

Errors: ``read_error(addr)`` / ``write_error(addr)`` callables (None: never) make a beat answer
SLVERR: a read beat returns zero data and RRESP=2 (checked at the beat's word address), a write
beat stops at the first strobed byte run whose start address fails (earlier runs are written)
and the burst's BRESP becomes 2 -- as cocotbext-axi does when its ``_read``/``_write`` raise.

Reset: on the active edge of ``reset`` every queue and burst in flight is dropped and READY/VALID
go low; the first clock edge after release raises the READYs again (like cocotbext-axi, the model
starts running at construction even when reset is already asserted, and only reacts to edges).

Monitoring: ``on_read_burst(addr, beats, size, axid)`` and ``on_write_burst(addr, beats, size,
axid)`` are called when the read/write process takes a burst (the moment cocotbext-axi's channel
``recv`` returns it); ``on_write_beat(strobed_bytes)`` for each W beat it takes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import cocotb
from cocotb.triggers import Event, FallingEdge, RisingEdge

OKAY, SLVERR = 0, 2
FIXED, INCR, WRAP = 0, 1, 2
QUEUE_DEPTH = 2  # cocotbext-axi's queue_occupancy_limit on all five channels
CHANNELS = ("ar", "r", "aw", "w", "b")
PAGE = 4096  # bytes per page of the sparse memory (the AXI burst boundary)


class AxiProtocolError(AssertionError):
    """The master broke an AXI rule this slave checks (4 KiB crossing, WLAST, beat size)."""


class _Source:
    """A source channel (R or B) of the slave: its VALID as driven, its READY as last read high
    (a falling-edge watcher clears ``ready_hi``), the payload handles with the values last
    driven on them, the queue of beats the processes fill and the beat a process holds back
    (``pending``) while the queue is full."""

    __slots__ = ("valid", "valid_v", "ready", "ready_hi", "handles", "out", "q", "pending")

    def __init__(self, valid, ready, handles: tuple, q: deque):
        self.valid, self.ready, self.handles, self.q = valid, ready, handles, q
        self.valid_v = 0
        self.ready_hi = False
        self.out: list = [None] * len(handles)
        self.pending = None

    def flush(self) -> bool:
        """Queue the held-back beat when there is room; False while it still waits."""
        if self.pending is not None:
            if len(self.q) >= QUEUE_DEPTH:
                return False
            self.q.append(self.pending)
            self.pending = None
        return True

    def step(self, paused: bool) -> None:
        """One clock edge: a new beat when the bus is free or the current one was taken."""
        if self.valid_v:
            if not self.ready_hi:
                self.ready_hi = bool(self.ready.value)
            if self.ready_hi:
                if self.q and not paused:
                    self.drive(self.q.popleft())
                else:
                    self.valid.value = self.valid_v = 0
        elif self.q and not paused:
            self.drive(self.q.popleft())

    def drive(self, beat) -> None:
        out = self.out
        for i, h in enumerate(self.handles):
            if h is not None and out[i] != beat[i]:
                h.value = out[i] = beat[i]
        if not self.valid_v:
            self.valid.value = self.valid_v = 1

    def idle(self) -> None:
        """Drop VALID (reset)."""
        if self.valid_v:
            self.valid.value = self.valid_v = 0


class FastAxiRam:
    """AXI4 slave memory on ``<prefix>_*`` of ``dut``; ``read``/``write`` access the memory."""

    def __init__(
        self,
        dut,
        prefix: str = "m_axi",
        clock=None,
        reset=None,
        reset_active_level: bool = False,
        size: int = 1 << 24,
    ):
        self.size = int(size)
        if self.size <= 0 or self.size % PAGE:
            raise ValueError(f"size must be a positive multiple of {PAGE}, got {size}")
        self.pages: dict[int, bytearray] = {}  # page number -> its bytes (sparse memory)
        sig = lambda name: getattr(dut, f"{prefix}_{name}")  # noqa: E731
        opt = lambda name: getattr(dut, f"{prefix}_{name}", None)  # noqa: E731
        self._clock = clock if clock is not None else dut.clk_i
        self._reset = reset
        self._reset_level = bool(reset_active_level)
        # handshake and payload handles, looked up once
        self._arvalid, self._arready = sig("arvalid"), sig("arready")
        # address, length, size, burst, id (the fields of a request, as _sample_a reads them)
        self._ar_a = (sig("araddr"), opt("arlen"), opt("arsize"), opt("arburst"), opt("arid"))
        self._rvalid, self._rready = sig("rvalid"), sig("rready")
        self._rdata, self._rid, self._rlast, self._rresp = (
            sig("rdata"),
            opt("rid"),
            sig("rlast"),
            opt("rresp"),
        )
        self._awvalid, self._awready = sig("awvalid"), sig("awready")
        self._aw_a = (sig("awaddr"), opt("awlen"), opt("awsize"), opt("awburst"), opt("awid"))
        self._wvalid, self._wready = sig("wvalid"), sig("wready")
        self._wdata, self._wstrb, self._wlast = sig("wdata"), opt("wstrb"), sig("wlast")
        self._bvalid, self._bready = sig("bvalid"), sig("bready")
        self._bid, self._bresp = opt("bid"), opt("bresp")

        self.byte_lanes = len(self._rdata) // 8
        self.max_size = (self.byte_lanes - 1).bit_length()
        self._strb_all = (1 << self.byte_lanes) - 1

        self.read_error: Callable[[int], bool] | None = None
        self.write_error: Callable[[int], bool] | None = None
        self.on_read_burst: Callable[[int, int, int, int], object] | None = None
        self.on_write_burst: Callable[[int, int, int, int], object] | None = None
        self.on_write_beat: Callable[[int], object] | None = None

        # queues between the channel "sinks/sources" and the processes (as in cocotbext-axi)
        self._arq: deque = deque()
        self._rq: deque = deque()
        self._awq: deque = deque()
        self._wq: deque = deque()
        self._bq: deque = deque()
        # driven values (the model is the only driver of these signals)
        self._arready_v = self._awready_v = self._wready_v = 0
        # a beat: (rid, rdata, rlast, rresp); a response: (bid, bresp)
        self._r = _Source(
            self._rvalid, self._rready, (self._rid, self._rdata, self._rlast, self._rresp), self._rq
        )
        self._b = _Source(self._bvalid, self._bready, (self._bid, self._bresp), self._bq)
        self._clear_state()
        # Initial values as ordinary (ReadWrite-phase) writes: an Immediate write at time 0 does
        # not reach Icarus' input ports (they stay Z).
        for h in (self._arready, self._awready, self._wready, self._rvalid, self._bvalid):
            h.value = 0
        for h in (self._rid, self._rdata, self._rlast, self._rresp, self._bid, self._bresp):
            if h is not None:
                h.value = "X" * len(h)

        self._pauses: dict[str, list[bool]] = {}
        self._pat = (None,) * len(CHANNELS)  # pause patterns in CHANNELS order
        self._pause_pos = 0
        self._in_reset = False
        self._sleeping = False
        self._wake = Event()
        # VALID of a sink may be high: set by a rising-edge watcher, cleared when read low, so
        # an idle channel's VALID is not read every cycle
        self._ar_hot = self._aw_hot = self._w_hot = True
        self.edges = 0  # clock edges served (the model sleeps through the others)
        self.wakes = 0
        self._tasks = [cocotb.start_soon(self._run())]
        for h, flag in (
            (self._arvalid, "_ar_hot"),
            (self._awvalid, "_aw_hot"),
            (self._wvalid, "_w_hot"),
        ):
            self._tasks.append(cocotb.start_soon(self._watch_rise(h, flag)))
        for src in (self._r, self._b):
            self._tasks.append(cocotb.start_soon(self._watch_fall(src)))
        if reset is not None:
            self._tasks.append(cocotb.start_soon(self._watch_reset()))

    # ------------------------------------------------------------------ memory access
    def _page(self, a: int) -> bytearray:
        pg = self.pages.get(a // PAGE)
        if pg is None:
            pg = self.pages[a // PAGE] = bytearray(PAGE)
        return pg

    def read(self, address: int, length: int) -> bytes:
        """``length`` bytes from ``address`` (modulo ``size``; unwritten bytes read as 0)."""
        out = bytearray()
        a = address % self.size
        while len(out) < length:
            off = a % PAGE
            n = min(PAGE - off, length - len(out))
            pg = self.pages.get(a // PAGE)
            out += pg[off : off + n] if pg is not None else bytes(n)
            a = (a + n) % self.size
        return bytes(out)

    def write(self, address: int, data) -> None:
        """Write ``data`` at ``address`` (modulo ``size``)."""
        data = bytes(data)
        a, pos = address % self.size, 0
        while pos < len(data):
            off = a % PAGE
            n = min(PAGE - off, len(data) - pos)
            self._page(a)[off : off + n] = data[pos : pos + n]
            a, pos = (a + n) % self.size, pos + n

    # ------------------------------------------------------------------ control
    def set_pauses(self, patterns: dict[str, list[bool] | None]) -> None:
        """Per-channel pause patterns (see the module docstring); ``None``/missing: no pauses."""
        bad = set(patterns) - set(CHANNELS)
        if bad:
            raise ValueError(f"unknown AXI channels {sorted(bad)}; use {CHANNELS}")
        self._pauses = {ch: list(p) for ch, p in patterns.items() if p}
        self._pat = tuple(
            tuple(self._pauses[ch]) if ch in self._pauses else None for ch in CHANNELS
        )
        self._pause_pos = 0
        if self._pauses and self._sleeping:
            self._wake.set()

    def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        self._tasks = []

    # ------------------------------------------------------------------ coroutines
    def _clear_state(self) -> None:
        for q in (self._arq, self._rq, self._awq, self._wq, self._bq):
            q.clear()
        self._rd = None  # current read burst: [addr, beats_left, size, burst, id, lo, hi]
        self._r.pending = None  # beat read from memory, waiting for room in the R queue
        self._wr = None  # current write burst: [addr, beats_left, size, burst, id, lo, hi,
        #                                              bresp]
        self._b.pending = None  # B response waiting for room in the B queue

    async def _watch_rise(self, handle, flag: str) -> None:
        edge = RisingEdge(handle)
        while True:
            await edge
            setattr(self, flag, True)
            if self._sleeping:
                self._wake.set()

    @staticmethod
    async def _watch_fall(src: _Source) -> None:
        edge = FallingEdge(src.ready)
        while True:
            await edge
            src.ready_hi = False

    async def _watch_reset(self) -> None:
        rst = self._reset
        while True:
            await rst.value_change
            try:
                level = bool(int(rst.value))
            except ValueError:
                continue
            active = level == self._reset_level
            if active and not self._in_reset:
                self._in_reset = True
                self._clear_state()
                self._drive_ready(0, 0, 0)
                self._r.idle()
                self._b.idle()
            elif not active and self._in_reset:
                self._in_reset = False
                self._ar_hot = self._aw_hot = self._w_hot = True
                if self._sleeping:
                    self._wake.set()

    async def _run(self) -> None:
        edge = RisingEdge(self._clock)
        wake = self._wake
        while True:
            await edge
            if self._in_reset or self._step():
                self._sleeping = True
                wake.clear()
                await wake.wait()
                self._sleeping = False
                self.wakes += 1

    # ------------------------------------------------------------------ one clock edge
    def _drive_ready(self, ar: int, aw: int, w: int) -> None:
        if ar != self._arready_v:
            self._arready.value = self._arready_v = ar
        if aw != self._awready_v:
            self._awready.value = self._awready_v = aw
        if w != self._wready_v:
            self._wready.value = self._wready_v = w

    def _step(self) -> bool:
        """Serve one rising edge; True when the model may sleep until a VALID rises."""
        self.edges += 1
        arq, awq, wq, rq, bq = self._arq, self._awq, self._wq, self._rq, self._bq
        if self._pauses:
            i = self._pause_pos
            self._pause_pos = i + 1
            p_ar, p_r, p_aw, p_w, p_b = (p is not None and p[i % len(p)] for p in self._pat)
        else:
            p_ar = p_r = p_aw = p_w = p_b = False
        all_ready = self._arready_v and self._awready_v and self._wready_v

        # --- sinks: handshake sampled at this edge, then READY for the next one
        if self._arready_v and self._ar_hot:
            self._ar_hot = self._take_a(self._arvalid, self._ar_a, arq)
        if self._awready_v and self._aw_hot:
            self._aw_hot = self._take_a(self._awvalid, self._aw_a, awq)
        if self._wready_v and self._w_hot:
            if self._wvalid.value:
                wq.append(
                    (
                        self._wdata.value.to_unsigned(),
                        self._wstrb.value.to_unsigned()
                        if self._wstrb is not None
                        else self._strb_all,
                        int(self._wlast.value),
                    )
                )
            else:
                self._w_hot = False
        self._drive_ready(
            int(not (len(arq) >= QUEUE_DEPTH or p_ar)),
            int(not (len(awq) >= QUEUE_DEPTH or p_aw)),
            int(not (len(wq) >= QUEUE_DEPTH or p_w)),
        )

        # --- sources: a new beat when the bus is free or the current one was taken
        self._r.step(p_r)
        self._b.step(p_b)

        # --- processes: refill the R and B queues, take requests and write data
        if self._rd is not None or arq:
            self._read_process()
        if self._wr is not None or self._b.pending is not None or awq:
            self._write_process()

        return bool(
            all_ready
            and not (self._ar_hot or self._aw_hot or self._w_hot)
            and not self._pauses
            and not self._r.valid_v
            and not self._b.valid_v
            and self._rd is None
            and self._wr is None
            and self._b.pending is None
            and not (arq or awq or wq or rq or bq)
        )

    def _take_a(self, valid, handles, q) -> bool:
        """An AR/AW sink at an edge where it is ready: queue the request when VALID is high;
        False (the channel sleeps until VALID rises) when it is low."""
        if not valid.value:
            return False
        q.append(self._sample_a(*handles))
        return True

    def _sample_a(self, addr, length, size, burst, axid) -> tuple[int, int, int, int, int]:
        return (
            addr.value.to_unsigned(),
            length.value.to_unsigned() if length is not None else 0,
            size.value.to_unsigned() if size is not None else self.max_size,
            burst.value.to_unsigned() if burst is not None else INCR,
            axid.value.to_unsigned() if axid is not None else 0,
        )

    def _start_burst(self, kind: str, req) -> list:
        addr, length, size, burst, axid = req
        nbytes = 1 << size
        if not 0 < nbytes <= self.byte_lanes:
            raise AxiProtocolError(f"{kind} burst size {nbytes} B > bus width {self.byte_lanes} B")
        beats = length + 1
        aligned = (addr // nbytes) * nbytes
        total = nbytes * beats
        lo = hi = 0
        if burst == WRAP:
            lo = (addr // total) * total
            hi = lo + total
        elif burst == INCR and 0x1000 - (aligned & 0xFFF) < total:
            raise AxiProtocolError(
                f"{kind} burst at {addr:#x} ({beats} x {nbytes} B) crosses a 4 KiB boundary"
            )
        cb = self.on_read_burst if kind == "read" else self.on_write_burst
        if cb is not None:
            cb(addr, beats, nbytes, axid)
        return [aligned, beats, nbytes, burst, axid, lo, hi]

    @staticmethod
    def _advance(b: list) -> None:
        if b[3] != FIXED:
            b[0] += b[2]
            if b[3] == WRAP and b[0] == b[6]:
                b[0] = b[5]

    def _read_process(self) -> None:
        """cocotbext-axi's ``_process_read`` until it would block: each beat is read from memory
        when the previous one was queued, and queued when the R queue has room."""
        arq, lanes = self._arq, self.byte_lanes
        while True:
            if not self._r.flush():
                return
            b = self._rd
            if b is None or b[1] == 0:
                if not arq:
                    self._rd = None
                    return
                b = self._rd = self._start_burst("read", arq.popleft())
            word = (b[0] // lanes) * lanes
            if self.read_error is not None and self.read_error(word):
                data, resp = 0, SLVERR
            else:
                a = word % self.size
                pg, off = self.pages.get(a // PAGE), a % PAGE
                data = int.from_bytes(pg[off : off + lanes], "little") if pg is not None else 0
                resp = OKAY
            b[1] -= 1
            self._r.pending = (b[4], data, int(b[1] == 0), resp)
            self._advance(b)

    def _write_process(self) -> None:
        """cocotbext-axi's ``_process_write`` until it would block."""
        awq, wq = self._awq, self._wq
        while True:
            if not self._b.flush():
                return
            b = self._wr
            if b is None:
                if not awq:
                    return
                b = self._wr = self._start_burst("write", awq.popleft()) + [OKAY]
            while b[1]:
                if not wq:
                    return
                data, strb, last = wq.popleft()
                b[1] -= 1
                if self.on_write_beat is not None:
                    self.on_write_beat(strb.bit_count())
                if strb:
                    b[7] = self._write_beat(b[0], data, strb, b[7])
                if last != (b[1] == 0):
                    raise AxiProtocolError(f"WLAST={last} on write beat with {b[1]} beats left")
                self._advance(b)
            self._b.pending = (b[4], b[7])
            self._wr = None

    def _write_beat(self, addr: int, data: int, strb: int, resp: int) -> int:
        """Write the strobed byte runs of one beat; the burst's response after it."""
        lanes = self.byte_lanes
        word = (addr // lanes) * lanes
        raw = data.to_bytes(lanes, "little")
        size, err = self.size, self.write_error
        if strb == self._strb_all:
            runs = ((0, lanes),)
        else:
            runs, start = [], None
            for i in range(lanes):
                if strb >> i & 1:
                    if start is None:
                        start = i
                elif start is not None:
                    runs.append((start, i))
                    start = None
            if start is not None:
                runs.append((start, lanes))
        for s, e in runs:
            if err is not None and err(word + s):
                return SLVERR
            a = (word + s) % size
            self._page(a)[a % PAGE : a % PAGE + e - s] = raw[s:e]
        return resp
