"""Shared helpers of the datapath unit benches: clock/reset and a per-cycle sampling step.

Every bench runs one loop per clock cycle: drive inputs (after the rising edge), wait for
ReadOnly to sample the settled handshakes of this cycle, then wait for the next rising edge.
Sampling in ReadOnly (not at RisingEdge) gives the same result on Icarus and Verilator.
"""
from __future__ import annotations

import numpy as np
from cocotb.triggers import ReadOnly, RisingEdge

from verif.common.clock_reset import reset_dut, start_clock

__all__ = ["setup", "settle", "tick", "gap_profile"]


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
