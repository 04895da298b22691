"""Bare clock-only loop of pnc_top: the simulator's own speed on this DUT, without a testbench.

Reset, then let the clock run for PNC_CLOCK_CYCLES cycles (default 20000) in one await and log
DUT cycles per second. Benchmarks compare it with the full environment's rate (testbench
overhead, docs/performance.md); it checks nothing but that the idle DUT keeps irq_o low.
"""

from __future__ import annotations

import os
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles


@cocotb.test()
async def clock_only_idle(dut):
    """Clock the idle DUT; SUMMARY line with DUT cycles per second."""
    n = int(os.environ.get("PNC_CLOCK_CYCLES", "20000"))
    cocotb.start_soon(Clock(dut.clk_i, 10, unit="ns").start())
    for sig in (
        "s_axil_awvalid",
        "s_axil_wvalid",
        "s_axil_arvalid",
        "m_axi_arready",
        "m_axi_rvalid",
        "m_axi_awready",
        "m_axi_wready",
        "m_axi_bvalid",
    ):
        getattr(dut, sig).value = 0
    dut.s_axil_bready.value = 1
    dut.s_axil_rready.value = 1
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, 4)
    dut.rst_ni.value = 1
    t0 = time.perf_counter()
    await ClockCycles(dut.clk_i, n)
    dt = time.perf_counter() - t0
    assert int(dut.irq_o.value) == 0, "idle DUT raised irq_o"
    dut._log.info(
        "SUMMARY clock_only: dut_cycles=%d wall=%.2fs dut_cycles_per_s=%.0f", n, dt, n / dt
    )
