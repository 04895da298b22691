"""cocotb unit bench for rtl/pnc_axi_wr.sv (write commands + data stream -> AXI4 AW/W/B).

Random commands (beat-aligned address, 1..N beats) and a data stream with random strobes, both
with random idle cycles, into cocotbext-axi's AxiRamWrite with AW/W/B pause generators. At the
end the whole RAM is compared byte-exactly with a shadow copy written by the bench. Monitors
check every AW (INCR, full size, <= AXI_MAX_BURST, no 4 KiB crossing, AWID 0, exactly the
maximal split of each command in order), WLAST on the last beat of each burst, that idle_o is
never high while a B response is pending, and that bytes_o sums to the strobed bytes.

Errors: `BoundedRamWrite` fails writes beyond its size (AxiRamWrite would wrap them), so the slave
answers SLVERR and err_o must pulse once per such burst.
"""
from __future__ import annotations

from collections import deque

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiRamWrite, AxiWriteBus

from verif.tests.unit._axi import BEAT, MAXB, attach, make_rng, run_until, split_bursts, start

FULL = (1 << BEAT) - 1
RAM_SIZE = 1 << 16
MAX_OUT = 8  # pnc_axi_wr default MaxOut


class BoundedRamWrite(AxiRamWrite):
    """AxiRamWrite whose out-of-range writes fail (the slave then answers SLVERR)."""

    async def _write(self, address, data):
        if address + len(data) > self.size:
            raise ValueError(f"write {address:#x}+{len(data)} beyond the RAM")
        await super()._write(address, data)


class WriteBench:
    def __init__(self, dut, rng: np.random.Generator, shadow: bytearray):
        self.dut, self.rng, self.shadow = dut, rng, shadow
        self.cmds: deque = deque()    # commands not yet offered
        self.words: deque = deque()   # (data, strb) not yet offered
        self.cur_cmd = None
        self.cur_wd = None
        self.p_cmd = 1.0
        self.p_wd = 1.0
        self.bursts_due: deque = deque()
        # Burst lengths in command order, for the WLAST check. W beats may be accepted before
        # their AW handshake (the slave queues them), so the check follows the expected split.
        self.w_lens: deque = deque()
        self.w_beat = 0
        self.bytes_expected = 0
        self.bytes_seen = 0
        self.aw_count = 0
        self.b_count = 0
        self.errs = 0
        self.max_outstanding = 0
        self.errors: list[str] = []

    def submit(self, addr: int, beats: int, strb_mode: str = "mixed") -> None:
        assert addr % BEAT == 0 and beats > 0
        self.cmds.append((addr, beats))
        self.bursts_due.extend(split_bursts(addr, beats))
        self.w_lens.extend(n for _, n in split_bursts(addr, beats))
        for i in range(beats):
            data = int.from_bytes(self.rng.integers(0, 256, BEAT, dtype=np.uint8).tobytes(),
                                  "little")
            if strb_mode == "full" or self.rng.random() < 0.7:
                strb = FULL
            else:
                strb = int(self.rng.integers(0, FULL + 1))
            self.words.append((data, strb))
            self.bytes_expected += bin(strb).count("1")
            base = addr + i * BEAT
            for b in range(BEAT):
                if (strb >> b) & 1 and base + b < len(self.shadow):
                    self.shadow[base + b] = (data >> (8 * b)) & 0xFF

    def busy(self) -> bool:
        return bool(self.cmds or self.words or self.cur_cmd or self.cur_wd
                    or self.b_count != self.aw_count or self.bursts_due)

    def _fail(self, msg: str) -> None:
        if len(self.errors) < 20:
            self.dut._log.error(msg)
        self.errors.append(msg)

    def start(self) -> None:
        cocotb.start_soon(self._drive())
        cocotb.start_soon(self._monitor())

    async def _drive(self) -> None:
        dut = self.dut
        while True:
            await RisingEdge(dut.clk_i)
            if self.cur_cmd is not None and int(dut.cmd_ready_o.value):
                self.cur_cmd = None
            if self.cur_wd is not None and int(dut.wd_ready_o.value):
                self.cur_wd = None
            if self.cur_cmd is None and self.cmds and self.rng.random() < self.p_cmd:
                self.cur_cmd = self.cmds.popleft()
            if self.cur_wd is None and self.words and self.rng.random() < self.p_wd:
                self.cur_wd = self.words.popleft()
            dut.cmd_valid_i.value = int(self.cur_cmd is not None)
            if self.cur_cmd is not None:
                dut.cmd_addr_i.value, dut.cmd_beats_i.value = self.cur_cmd
            dut.wd_valid_i.value = int(self.cur_wd is not None)
            if self.cur_wd is not None:
                dut.wd_data_i.value, dut.wd_strb_i.value = self.cur_wd

    async def _monitor(self) -> None:
        dut = self.dut
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.idle_o.value) and self.aw_count != self.b_count:
                self._fail(f"idle_o high with {self.aw_count - self.b_count} B responses pending")
            if int(dut.m_axi_awvalid.value) and int(dut.m_axi_awready.value):
                self.aw_count += 1
                self.max_outstanding = max(self.max_outstanding, self.aw_count - self.b_count)
                if self.aw_count - self.b_count > MAX_OUT:
                    self._fail(f"{self.aw_count - self.b_count} bursts outstanding > {MAX_OUT}")
                a = int(dut.m_axi_awaddr.value)
                n = int(dut.m_axi_awlen.value) + 1
                if int(dut.m_axi_awburst.value) != 1 or (1 << int(dut.m_axi_awsize.value)) != BEAT:
                    self._fail(f"AW {a:#x}: not an INCR full-width burst")
                if int(dut.m_axi_awid.value) != 0:
                    self._fail(f"AW {a:#x}: AWID {int(dut.m_axi_awid.value)} != 0")
                if n > MAXB or (a & 0xFFF) + n * BEAT > 4096:
                    self._fail(f"AW {a:#x} len {n}: too long or crosses 4 KiB")
                exp = self.bursts_due.popleft() if self.bursts_due else None
                if exp != (a, n):
                    self._fail(f"AW {a:#x} len {n}, expected {exp}")
            if int(dut.m_axi_wvalid.value) and int(dut.m_axi_wready.value):
                if not self.w_lens:
                    self._fail("W beat beyond the commanded beats")
                else:
                    last = self.w_beat == self.w_lens[0] - 1
                    if int(dut.m_axi_wlast.value) != int(last):
                        self._fail(f"WLAST wrong on beat {self.w_beat} of {self.w_lens[0]}")
                    self.w_beat += 1
                    if last:
                        self.w_lens.popleft()
                        self.w_beat = 0
            if int(dut.bytes_valid_o.value):
                self.bytes_seen += int(dut.bytes_o.value)
            if int(dut.m_axi_bvalid.value) and int(dut.m_axi_bready.value):
                self.b_count += 1
            self.errs += int(dut.err_o.value)

    async def wait_done(self, max_cycles: int) -> None:
        await run_until(self.dut.clk_i, lambda: not self.busy(), max_cycles, drain=2)
        assert not self.busy(), (f"timeout: {len(self.cmds)} commands, {len(self.words)} words, "
                                 f"{self.aw_count - self.b_count} B pending")
        assert int(self.dut.idle_o.value) == 1, "idle_o low after every B came back"

    def check(self, ram) -> None:
        """Scoreboard verdict; `ram` is anything with read(addr, length) -> bytes."""
        assert not self.errors, f"{len(self.errors)} errors, first: {self.errors[0]}"
        assert self.bytes_seen == self.bytes_expected, \
            f"bytes_o sum {self.bytes_seen} != strobed bytes {self.bytes_expected}"
        got = ram.read(0, len(self.shadow))
        if got != bytes(self.shadow):
            bad = next(i for i in range(len(got)) if got[i] != self.shadow[i])
            raise AssertionError(f"RAM differs from the shadow first at {bad:#x}: "
                                 f"{got[bad]:#04x} != {self.shadow[bad]:#04x}")


async def setup(dut) -> None:
    await start(dut, (dut.cmd_valid_i, dut.cmd_addr_i, dut.cmd_beats_i, dut.wd_valid_i,
                      dut.wd_data_i, dut.wd_strb_i, dut.m_axi_awready, dut.m_axi_wready,
                      dut.m_axi_bvalid))


def attach_ram(dut, rng, shadow: bytearray, p_aw: float, p_w: float, p_b: float):
    return attach(BoundedRamWrite, AxiWriteBus, dut, rng, shadow, aw=p_aw, w=p_w, b=p_b)


def random_cmd(rng, size: int) -> tuple[int, int]:
    beats = int(rng.integers(1, 41))
    if rng.random() < 0.3:
        addr = int(rng.integers(1, size // 4096)) * 4096 - BEAT * int(rng.integers(1, 2 * MAXB))
    else:
        addr = BEAT * int(rng.integers(0, (size - beats * BEAT) // BEAT))
    return addr, beats


@cocotb.test()
async def wr_random_cmds_strobes_pauses(dut):
    """Random commands and strobes, idle gaps on both inputs, AW/W/B pauses; RAM checked."""
    rng = make_rng("wr_random_cmds_strobes_pauses")
    await setup(dut)
    shadow = bytearray(rng.integers(0, 256, RAM_SIZE, dtype=np.uint8).tobytes())
    ram = attach_ram(dut, rng, shadow, p_aw=0.3, p_w=0.3, p_b=0.5)
    tb = WriteBench(dut, rng, shadow)
    tb.p_cmd, tb.p_wd = 0.5, 0.8
    for _ in range(60):
        tb.submit(*random_cmd(rng, RAM_SIZE))
    tb.submit(4096 - BEAT, 1)                       # single beat ending on a page
    tb.submit(3 * 4096 - 5 * BEAT, 300)             # long, crosses a page
    tb.submit(8 * 4096 - MAXB * BEAT, MAXB)         # exactly one burst up to a page end
    tb.start()
    await tb.wait_done(40000)
    tb.check(ram)
    dut._log.info("bursts %d, bytes %d, max outstanding %d", tb.aw_count, tb.bytes_seen,
                  tb.max_outstanding)
    assert tb.errs == 0
    assert tb.max_outstanding > 1, "never had two bursts outstanding"


class HoldingWriteSlave:
    """AXI4 write slave that takes AW and W at full speed and holds every B until released."""

    def __init__(self, dut, mem: bytearray):
        self.dut, self.mem = dut, mem
        self.release = False
        self.aws: deque = deque()
        self.done_bursts = 0
        dut.m_axi_awready.value = 1
        dut.m_axi_wready.value = 1
        dut.m_axi_bvalid.value = 0
        dut.m_axi_bresp.value = 0
        dut.m_axi_bid.value = 0
        cocotb.start_soon(self._run())

    def read(self, addr: int, length: int) -> bytes:
        return bytes(self.mem[addr:addr + length])

    async def _run(self) -> None:
        dut = self.dut
        beat = 0
        bvalid = False
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.m_axi_awvalid.value):
                self.aws.append(int(dut.m_axi_awaddr.value))
            if int(dut.m_axi_wvalid.value):
                a = self.aws[0] + beat * BEAT
                data, strb = int(dut.m_axi_wdata.value), int(dut.m_axi_wstrb.value)
                for b in range(BEAT):
                    if (strb >> b) & 1:
                        self.mem[a + b] = (data >> (8 * b)) & 0xFF
                beat += 1
                if int(dut.m_axi_wlast.value):
                    self.aws.popleft()
                    self.done_bursts += 1
                    beat = 0
            if bvalid:  # bready is always 1 in pnc_axi_wr, but do not rely on it
                if int(dut.m_axi_bready.value):
                    self.done_bursts -= 1
                    bvalid = False
            if not bvalid and self.release and self.done_bursts:
                bvalid = True
            dut.m_axi_bvalid.value = int(bvalid)


@cocotb.test()
async def wr_outstanding_limit(dut):
    """B responses held back: exactly MaxOut bursts go out, then the master waits; no loss."""
    rng = make_rng("wr_outstanding_limit")
    await setup(dut)
    shadow = bytearray(RAM_SIZE)
    slave = HoldingWriteSlave(dut, bytearray(RAM_SIZE))
    tb = WriteBench(dut, rng, shadow)
    tb.submit(0x100, 200, strb_mode="full")
    tb.submit(0x2000 - BEAT, 33)
    tb.start()
    await ClockCycles(dut.clk_i, 300)
    assert tb.aw_count == MAX_OUT, f"{tb.aw_count} bursts issued with no B back, not {MAX_OUT}"
    assert not int(dut.idle_o.value)
    slave.release = True
    await tb.wait_done(5000)
    tb.check(slave)
    assert tb.max_outstanding == MAX_OUT


@cocotb.test()
async def wr_slverr_beyond_ram(dut):
    """Bursts beyond the RAM get SLVERR: err_o once per such burst; later writes still land."""
    rng = make_rng("wr_slverr_beyond_ram")
    await setup(dut)
    size = 8192
    shadow = bytearray(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
    ram = attach_ram(dut, rng, shadow, p_aw=0.2, p_w=0.2, p_b=0.2)
    tb = WriteBench(dut, rng, shadow)
    tb.submit(size - 4 * BEAT, 2 * MAXB, strb_mode="full")  # bursts: 4 ok + 12, 16 beyond
    tb.submit(size + 4096, 3, strb_mode="full")            # one burst beyond
    tb.submit(64, 20)                                      # still works afterwards
    tb.start()
    await tb.wait_done(5000)
    tb.check(ram)
    assert tb.errs == 3, f"err_o pulsed {tb.errs} times, expected 3"
