"""AXI4 memory agent: the AXI4 slave memory with pause patterns, SLVERR windows and a monitor
that records every burst.

Two interchangeable memory models, chosen by ``PNC_AXI_MODEL`` (:func:`axi_model`):

* ``fast`` (default): :class:`~verif.agents.mem.fast_axi_ram.FastAxiRam`, one coroutine per
  clock edge for all five channels, sleeping while the bus is idle (why it exists: its module
  docstring and docs/verification.md);
* ``cocotbext``: cocotbext-axi's ``AxiRam``, kept as the reference the fast model is compared
  with (same CYCLES and counters for the same jobs without stalls).

The monitor costs one Python call per burst (AR/AW) and per write beat, never per idle cycle:
with ``fast`` it is the model's own callbacks, with ``cocotbext`` hooks on the RAM's AR/AW/W
channel receive calls. Each burst becomes a :class:`Burst` (address, beats, bytes, ID), kept
for the running job and passed to every listener (the job monitor; the agent's analysis
port).

Stall (pause) patterns come from :mod:`~verif.agents.mem.pause` with the same seeded draws for
both models. ``fast`` applies them inside its one coroutine; with ``cocotbext`` ONE coroutine
sets each stalled channel's ``pause`` after every rising edge (cocotbext-axi's own
``set_pause_generator`` would start one coroutine per channel).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge
from pyuvm import uvm_analysis_port, uvm_component

from .fast_axi_ram import FastAxiRam
from .pause import STALL_CHANNELS, pause_generator, pause_pattern

AXI_MODELS = ("fast", "cocotbext")


@dataclass
class Burst:
    """One AXI burst seen by the memory monitor (the memory agent's transaction)."""

    kind: str  # "rd" or "wr"
    addr: int
    beats: int
    size: int  # bytes per beat
    axid: int
    nbytes: int = 0  # read: beats*size; write: strobed bytes


def axi_model() -> str:
    """The AXI memory model to use: ``$PNC_AXI_MODEL`` (``fast`` or ``cocotbext``), default
    ``fast``."""
    name = os.environ.get("PNC_AXI_MODEL", "fast").strip().lower() or "fast"
    if name not in AXI_MODELS:
        raise ValueError(f"PNC_AXI_MODEL must be one of {AXI_MODELS}, got {name!r}")
    return name


def make_axi_ram(dut, prefix: str = "m_axi", size: int = 1 << 24, model: str | None = None):
    """A plain AXI4 RAM on ``<prefix>_*`` (clock ``clk_i``, active-low ``rst_ni``) of the chosen
    model; both have ``read(addr, n)`` and ``write(addr, data)``."""
    model = model or axi_model()
    if model == "fast":
        return FastAxiRam(dut, prefix, dut.clk_i, dut.rst_ni, reset_active_level=False, size=size)
    from cocotbext.axi import AxiBus, AxiRam

    return AxiRam(
        AxiBus.from_prefix(dut, prefix), dut.clk_i, dut.rst_ni, reset_active_level=False, size=size
    )


class MonitoredAxiRam:
    """AXI4 RAM on ``<prefix>_*`` of ``dut`` plus burst recording and error injection."""

    def __init__(self, dut, prefix: str = "m_axi", size: int = 1 << 24, model: str | None = None):
        self.model = model or axi_model()
        self.size = int(size)
        self.ram = make_axi_ram(dut, prefix, size, self.model)
        self.clock = dut.clk_i
        self._pause_task = None
        self.bursts: list[Burst] = []
        self._err_windows: list[tuple[int, int, str]] = []
        self.listeners = []
        self._cur_wr: Burst | None = None
        if self.model == "fast":
            self.beat_bytes = self.ram.byte_lanes
            self.ram.on_read_burst = self._read_burst
            self.ram.on_write_burst = self._write_burst
            self.ram.on_write_beat = self._write_beat
        else:
            self.beat_bytes = self.ram.read_if.byte_lanes
            self._hook()

    # ----------------------------------------------------------------------- monitor
    def _read_burst(self, addr: int, beats: int, size: int, axid: int) -> None:
        self._emit(Burst("rd", addr, beats, size, axid, nbytes=beats * self.beat_bytes))

    def _write_burst(self, addr: int, beats: int, size: int, axid: int) -> None:
        self._cur_wr = Burst("wr", addr, beats, size, axid)
        self._emit(self._cur_wr)

    def _write_beat(self, nbytes: int) -> None:
        if self._cur_wr is not None:
            self._cur_wr.nbytes += nbytes

    def _hook(self) -> None:
        """cocotbext-axi model: hook the RAM's own AR/AW/W receive calls and its memory access."""
        rd, wr = self.ram.read_if, self.ram.write_if
        ar_recv, aw_recv, w_recv = rd.ar_channel.recv, wr.aw_channel.recv, wr.w_channel.recv
        read_orig, write_orig = rd._read, wr._write

        def burst_hook(recv, ch: str, emit):
            async def hook():
                a = await recv()
                emit(
                    int(getattr(a, f"{ch}addr")),
                    int(getattr(a, f"{ch}len", 0)) + 1,
                    1 << int(getattr(a, f"{ch}size", 3)),
                    int(getattr(a, f"{ch}id", 0)),
                )
                return a

            return hook

        ar_hook = burst_hook(ar_recv, "ar", self._read_burst)
        aw_hook = burst_hook(aw_recv, "aw", self._write_burst)

        async def w_hook():
            w = await w_recv()
            self._write_beat(int(w.wstrb).bit_count())
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
        return any(lo <= address < hi and k == kind for lo, hi, k in self._err_windows)

    def _emit(self, burst: Burst) -> None:
        self.bursts.append(burst)
        for fn in self.listeners:
            fn(burst)

    # ----------------------------------------------------------------------- control
    @property
    def err_windows(self) -> list[tuple[int, int, str]]:
        """SLVERR windows ``(lo, hi, "rd"|"wr")``: a beat whose address is in one answers
        SLVERR."""
        return self._err_windows

    @err_windows.setter
    def err_windows(self, windows) -> None:
        self._err_windows = list(windows)
        if self.model == "fast":  # no per-beat call while no window is set
            kinds = {k for _, _, k in self._err_windows}
            self.ram.read_error = (lambda a: self._in_window(a, "rd")) if "rd" in kinds else None
            self.ram.write_error = (lambda a: self._in_window(a, "wr")) if "wr" in kinds else None

    def load(self, regions) -> None:
        """Write every region ``{name: (addr, bytes)}`` into memory."""
        for name, (addr, data) in regions.items():
            if data and addr + len(data) > self.size:
                raise ValueError(
                    f"region {name} at {addr:#x} (+{len(data)} B) is beyond the {self.model} "
                    f"memory model's {self.size:#x} bytes"
                )
            if data:
                self.ram.write(addr, bytes(data))

    def read(self, addr: int, n: int) -> bytes:
        return bytes(self.ram.read(addr, n)) if n else b""

    def set_stalls(self, profile: dict[str, str], rng: np.random.Generator) -> None:
        """Per-channel pause patterns for the next job (``profile`` maps channel -> profile);
        draws from ``rng`` in channel order (the same draws for both models)."""
        if self.model == "fast":
            self.ram.set_pauses(
                {ch: pause_pattern(profile.get(ch, "none"), rng) for ch in STALL_CHANNELS}
            )
            return
        chans = {
            "ar": self.ram.read_if.ar_channel,
            "r": self.ram.read_if.r_channel,
            "aw": self.ram.write_if.aw_channel,
            "w": self.ram.write_if.w_channel,
            "b": self.ram.write_if.b_channel,
        }
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
        """cocotbext model, every clock: next value of each stalled channel's pattern into its
        ``pause``."""
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
