"""Clock, reset and timeout helpers for top-level tests (cocotb 2.x idioms)."""

from __future__ import annotations

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles

CLK_PERIOD_NS = 10


def start_clock(dut, period_ns: int = CLK_PERIOD_NS):
    """Start the free-running clock on ``dut.clk_i``; returns the clock task."""
    return cocotb.start_soon(Clock(dut.clk_i, period_ns, unit="ns").start())


async def reset_dut(dut, cycles: int = 5, settle: int = 1) -> None:
    """Assert the active-low reset ``rst_ni`` for ``cycles`` clocks, release it, then wait
    ``settle`` more rising edges."""
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, cycles)
    dut.rst_ni.value = 1
    await ClockCycles(dut.clk_i, settle)


def sim_cycles(dut) -> int:
    """Simulated clock cycles so far (from simulation time)."""
    from cocotb.utils import get_sim_time

    return int(get_sim_time(unit="ns") // CLK_PERIOD_NS)
