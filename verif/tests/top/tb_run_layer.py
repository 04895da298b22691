"""cocotb side of ``panacea run`` and ``make bench``: run a file of jobs back to back on pnc_top.

The host (``panacea.run.simulate``) writes the jobs with ``panacea.run.write_jobs`` and passes:
PNC_RUN_JOBS (the job file), PNC_RUN_OUT (a JSON-lines file this test appends one record to per
job) and PNC_RUN_MEM (AXI RAM bytes). Per job: the image is loaded into the AXI RAM (the fast
one-coroutine model, or cocotbext-axi's AxiRam with PNC_AXI_MODEL=cocotbext), the output regions
cleared, the descriptor programmed through an AxiLiteMaster, started, and
irq_o awaited event-driven (no per-cycle Python in the test itself) with a timeout of
8 x the modelled cycles + 5000. The record holds STATUS, ERR_CODE, every counter register, the
output regions read back (hex), the wall time and the simulated cycles. Checking is the host's
job (bit-exact output, exact counters), so one bad job does not hide the others; a hang is
recorded and the DUT reset before the next job.
"""
from __future__ import annotations

import json
import os
import time

import cocotb
from cocotb.triggers import First, RisingEdge, Timer
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from panacea.config import REGS
from panacea.cycles import mode_cycles
from panacea.memimage import pack_job, region_layout
from panacea.run import RTL_COUNTERS, read_jobs

from verif.agents.mem import make_axi_ram
from verif.common.clock_reset import CLK_PERIOD_NS, reset_dut, sim_cycles, start_clock


@cocotb.test()
async def run_jobs(dut):
    """Run every job of PNC_RUN_JOBS; one JSON line per job into PNC_RUN_OUT."""
    jobs = read_jobs(os.environ["PNC_RUN_JOBS"])
    out_path = os.environ["PNC_RUN_OUT"]
    size = int(os.environ.get("PNC_RUN_MEM", str(1 << 20)))
    start_clock(dut)
    lite = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                         reset_active_level=False)
    ram = make_axi_ram(dut, "m_axi", size=size)
    await reset_dut(dut)

    async def wr(name: str, value: int) -> None:
        await lite.write_dword(int(REGS[name]), int(value) & 0xFFFFFFFF)

    async def rd(name: str) -> int:
        return int(await lite.read_dword(int(REGS[name])))

    assert await rd("ID") == 0x504E4341, "pnc_top ID register"
    for i, job in enumerate(jobs):
        img = pack_job(job)
        for _, (addr, data) in img.regions.items():
            if data:
                ram.write(addr, data)
        lay = region_layout(job)
        for name in ("out", "out_ho"):
            addr, sz = lay[name]
            if sz:
                ram.write(addr, bytes(sz))
        budget = 8 * mode_cycles(job).cycles + 5000
        t0, c0 = time.perf_counter(), sim_cycles(dut)
        for name, val in img.regs.items():
            await wr(name, val)
        await wr("IRQ_EN", 1)
        await wr("CTRL", 1)
        hang = False
        if not int(dut.irq_o.value):
            await First(RisingEdge(dut.irq_o), Timer(budget * CLK_PERIOD_NS, unit="ns"))
            hang = not int(dut.irq_o.value)
        rec: dict = {"index": i, "hang": hang}
        if hang:
            dut._log.error("job %d: no irq_o within %d cycles; resetting the DUT", i, budget)
            await reset_dut(dut)
        else:
            await wr("IRQ_STATUS", 1)
            rec["status"] = await rd("STATUS")
            rec["err_code"] = await rd("ERR_CODE")
            rec["counters"] = {c: await rd(c) for c in RTL_COUNTERS}
            rec["regions"] = {n: ram.read(a, s).hex() for n, (a, s) in lay.items()
                              if n in ("out", "out_ho") and s}
        rec["wall_s"] = time.perf_counter() - t0
        rec["dut_cycles"] = sim_cycles(dut) - c0
        with open(out_path, "a") as fh:
            fh.write(json.dumps(rec) + "\n")
        dut._log.info("job %d/%d: %s cycles, %.1f s", i + 1, len(jobs),
                      rec.get("counters", {}).get("CYCLES", "hang"), rec["wall_s"])
