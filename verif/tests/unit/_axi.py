"""Shared helpers of the AXI master unit benches (tb_pnc_axi_rd, tb_pnc_axi_wr).

The per-test seed, the pause pattern for cocotbext-axi channels, the burst split both masters
must produce, and the common start (clock, reset with every input held idle).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable, Iterator

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from panacea.config import ARCH

__all__ = [
    "BEAT",
    "MAXB",
    "attach",
    "make_rng",
    "pause_gen",
    "run_until",
    "split_bursts",
    "start",
]

BEAT = ARCH.AXI_DATA_W // 8
MAXB = ARCH.AXI_MAX_BURST


def make_rng(test_name: str) -> np.random.Generator:
    """The test's generator: same stimulus on every simulator for one cocotb seed."""
    return np.random.default_rng([cocotb.RANDOM_SEED, zlib.crc32(test_name.encode())])


def pause_gen(rng: np.random.Generator, p_pause: float) -> Iterator[bool]:
    """Endless random pause pattern (True = stall) for cocotbext-axi channels."""
    while True:
        yield bool(rng.random() < p_pause)


def split_bursts(addr: int, nbeats: int) -> list[tuple[int, int]]:
    """The split the RTL must produce: maximal bursts, <= MAXB beats, never across 4 KiB."""
    out = []
    while nbeats:
        n = min(nbeats, MAXB, (4096 - (addr & 0xFFF)) // BEAT)
        out.append((addr, n))
        addr += n * BEAT
        nbeats -= n
    return out


async def start(dut, idle_inputs: Iterable) -> None:
    """Start a 100 MHz clock on clk_i, hold rst_ni low 3 cycles with ``idle_inputs`` at 0, then
    run 2 cycles out of reset."""
    cocotb.start_soon(Clock(dut.clk_i, 10, unit="ns").start())
    dut.rst_ni.value = 0
    for sig in idle_inputs:
        sig.value = 0
    await ClockCycles(dut.clk_i, 3)
    dut.rst_ni.value = 1
    await ClockCycles(dut.clk_i, 2)


async def run_until(clk, done: Callable[[], bool], max_cycles: int, drain: int) -> None:
    """Clock until ``done()`` holds after a rising edge (at most ``max_cycles`` edges), then
    ``drain`` more cycles; the caller asserts what must hold by then."""
    for _ in range(max_cycles):
        await RisingEdge(clk)
        if done():
            break
    await ClockCycles(clk, drain)


def attach(ram_cls, bus_cls, dut, rng: np.random.Generator, mem: bytes, **pauses: float):
    """A cocotbext-axi RAM ``ram_cls`` on the DUT's ``m_axi`` bus (``bus_cls``) holding ``mem``,
    with each named channel (``ar=0.3``, ``b=0.5``, ...) paused at random with that probability."""
    ram = ram_cls(
        bus_cls.from_prefix(dut, "m_axi"),
        dut.clk_i,
        dut.rst_ni,
        reset_active_level=False,
        size=len(mem),
    )
    ram.write(0, bytes(mem))
    ram.log.setLevel(logging.WARNING)
    for channel, p_pause in pauses.items():
        getattr(ram, f"{channel}_channel").set_pause_generator(pause_gen(rng, p_pause))
    return ram
