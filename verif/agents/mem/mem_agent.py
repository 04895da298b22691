"""AXI4 memory agent: cocotbext-axi AxiRam with pause generators, SLVERR windows and a monitor
that records every burst.

The monitor hooks the RAM model's own channel receive calls, so it costs one Python call per
burst (AR/AW) and per write beat, never per idle cycle. Each burst becomes a
:class:`~verif.env.scoreboard.Burst` (address, beats, bytes, ID, response), kept for the running
job and published on the agent's analysis port.

Stall (pause) patterns of all five channels are driven by ONE coroutine that wakes once per clock
(cocotbext-axi's own ``set_pause_generator`` starts one coroutine per channel, i.e. up to five
Python resumes per DUT cycle). It sets each stalled channel's ``pause`` right after every rising
edge in channel order, exactly what the per-channel coroutines did; channels with profile "none"
have no pause coroutine at all.
"""
from __future__ import annotations

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge
from cocotbext.axi import AxiBus, AxiRam
from pyuvm import uvm_analysis_port, uvm_component

from verif.env.scoreboard import Burst

from .pause import STALL_CHANNELS, pause_generator


class MonitoredAxiRam:
    """AxiRam on ``<prefix>_*`` of ``dut`` plus burst recording and error injection."""

    def __init__(self, dut, prefix: str = "m_axi", size: int = 1 << 24):
        self.ram = AxiRam(AxiBus.from_prefix(dut, prefix), dut.clk_i, dut.rst_ni,
                          reset_active_level=False, size=size)
        self.clock = dut.clk_i
        self._pause_task = None
        self.bursts: list[Burst] = []
        self.err_windows: list[tuple[int, int, str]] = []
        self.listeners = []
        self.beat_bytes = self.ram.read_if.byte_lanes
        self._cur_wr: Burst | None = None
        self._hook()

    # ----------------------------------------------------------------------- hooks
    def _hook(self) -> None:
        rd, wr = self.ram.read_if, self.ram.write_if
        ar_recv, aw_recv, w_recv = rd.ar_channel.recv, wr.aw_channel.recv, wr.w_channel.recv
        read_orig, write_orig = rd._read, wr._write

        async def ar_hook():
            ar = await ar_recv()
            beats = int(getattr(ar, "arlen", 0)) + 1
            size = 1 << int(getattr(ar, "arsize", 3))
            self._emit(Burst("rd", int(ar.araddr), beats, size, int(getattr(ar, "arid", 0)),
                             nbytes=beats * self.beat_bytes))
            return ar

        async def aw_hook():
            aw = await aw_recv()
            beats = int(getattr(aw, "awlen", 0)) + 1
            size = 1 << int(getattr(aw, "awsize", 3))
            self._cur_wr = Burst("wr", int(aw.awaddr), beats, size, int(getattr(aw, "awid", 0)))
            self._emit(self._cur_wr)
            return aw

        async def w_hook():
            w = await w_recv()
            if self._cur_wr is not None:
                self._cur_wr.nbytes += int(w.wstrb).bit_count()
            return w

        async def read_err(address, length):
            if self._in_window(address, "rd"):
                raise OSError(f"injected SLVERR at {address:#x}")
            return await read_orig(address, length)

        async def write_err(address, data):
            if self._in_window(address, "wr"):
                raise OSError(f"injected SLVERR at {address:#x}")
            return await write_orig(address, data)

        rd.ar_channel.recv, wr.aw_channel.recv, wr.w_channel.recv = ar_hook, aw_hook, w_hook
        rd._read, wr._write = read_err, write_err

    def _in_window(self, address: int, kind: str) -> bool:
        return any(lo <= address < hi and k == kind for lo, hi, k in self.err_windows)

    def _emit(self, burst: Burst) -> None:
        self.bursts.append(burst)
        for fn in self.listeners:
            fn(burst)

    # ----------------------------------------------------------------------- control
    def load(self, regions) -> None:
        """Write every region ``{name: (addr, bytes)}`` into memory."""
        for _, (addr, data) in regions.items():
            if data:
                self.ram.write(addr, bytes(data))

    def read(self, addr: int, n: int) -> bytes:
        return bytes(self.ram.read(addr, n)) if n else b""

    def set_stalls(self, profile: dict[str, str], rng: np.random.Generator) -> None:
        """Per-channel pause patterns for the next job (``profile`` maps channel -> profile);
        draws from ``rng`` in channel order, as before."""
        chans = {"ar": self.ram.read_if.ar_channel, "r": self.ram.read_if.r_channel,
                 "aw": self.ram.write_if.aw_channel, "w": self.ram.write_if.w_channel,
                 "b": self.ram.write_if.b_channel}
        if self._pause_task is not None:
            self._pause_task.cancel()
            self._pause_task = None
        active = []
        for ch in STALL_CHANNELS:
            gen = pause_generator(profile.get(ch, "none"), rng)
            chans[ch].clear_pause_generator()
            if gen is None:
                chans[ch].pause = False
            else:
                active.append((chans[ch], gen))
        if active:
            self._pause_task = cocotb.start_soon(self._drive_pauses(active))

    async def _drive_pauses(self, active) -> None:
        """Every clock: next value of each stalled channel's pattern into its ``pause``."""
        edge = RisingEdge(self.clock)
        while True:
            for chan, gen in active:
                chan.pause = next(gen)
            await edge

    def take_bursts(self) -> list[Burst]:
        out, self.bursts = self.bursts, []
        return out


class MemAgent(uvm_component):
    """pyuvm wrapper: publishes every burst of the MonitoredAxiRam (``BFMS.mem`` in ConfigDB,
    attached by the test with :meth:`attach` once the DUT is in reset) on ``ap``."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def attach(self, mem: MonitoredAxiRam) -> None:
        mem.listeners.append(self.ap.write)
