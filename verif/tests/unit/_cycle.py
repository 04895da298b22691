"""Shared helpers of the datapath unit benches: clock/reset and a per-cycle sampling step.

Every bench runs one loop per clock cycle: drive inputs (after the rising edge), wait for
ReadOnly to sample the settled handshakes of this cycle, then wait for the next rising edge.
Sampling in ReadOnly (not at RisingEdge) gives the same result on Icarus and Verilator.
"""
from __future__ import annotations

import numpy as np
from cocotb.triggers import ReadOnly, RisingEdge

from verif.common.clock_reset import reset_dut, start_clock

__all__ = ["setup", "settle", "tick", "gap_profile", "GapSource", "backpressure"]


async def setup(dut) -> None:
    """Start the clock and apply reset (inputs must be set to idle before calling)."""
    start_clock(dut)
    await reset_dut(dut)


async def settle() -> None:
    """Wait until the values of the current cycle are final (read-only phase)."""
    await ReadOnly()


async def tick(dut) -> None:
    """Advance to the next rising edge (writes after this apply to the next cycle)."""
    await RisingEdge(dut.clk_i)


def gap_profile(rng: np.random.Generator, phase: int) -> tuple[float, float]:
    """(probability of an idle input cycle, probability of output backpressure) for a phase:
    none, input gaps only, backpressure only, both random, heavy."""
    return [(0.0, 0.0), (0.4, 0.0), (0.0, 0.4), (float(rng.uniform(0.1, 0.6)),
            float(rng.uniform(0.1, 0.6))), (0.8, 0.8)][phase % 5]


class GapSource:
    """Driver of a valid/ready input: offers ``items`` in order and holds each one until the DUT
    takes it; before offering a new item it idles a cycle with probability ``p_idle`` (one draw
    of ``rng`` per cycle with an item due, so a seed gives the same stimulus everywhere).

    Per cycle: :meth:`drive` before :func:`settle`, :meth:`taken` after it, :meth:`advance` after
    :func:`tick`. ``sent`` counts the items taken so far.
    """

    def __init__(self, rng: np.random.Generator, valid, data, ready, items, p_idle: float):
        self.rng, self.valid, self.data, self.ready = rng, valid, data, ready
        self.items, self.p_idle = items, p_idle
        self.sent = 0
        self.pending = False
        self._fire = False

    def drive(self) -> None:
        if not self.pending and self.sent < len(self.items) and self.rng.random() >= self.p_idle:
            self.pending = True
            self.data.value = self.items[self.sent]
        self.valid.value = int(self.pending)

    def taken(self) -> bool:
        """Whether the DUT takes the offered item in this (settled) cycle."""
        self._fire = self.pending and bool(int(self.ready.value))
        return self._fire

    def advance(self) -> None:
        if self._fire:
            self.pending = False
            self.sent += 1
            self._fire = False


def backpressure(rng: np.random.Generator, ready, p_bp: float) -> int:
    """Drive an output's ready low with probability ``p_bp`` (one draw of ``rng``); returns it."""
    value = int(rng.random() >= p_bp)
    ready.value = value
    return value
