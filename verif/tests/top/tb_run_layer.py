"""cocotb side of ``panacea run`` and ``make bench``: run a file of jobs back to back on pnc_top.

The host (:func:`verif.tests.top.job_runner.simulate`) passes PNC_RUN_JOBS (the job file),
PNC_RUN_OUT (a JSON-lines file this test appends one record to per job) and PNC_RUN_MEM (AXI
RAM bytes). Every job runs through the job BFM (:class:`verif.agents.job.JobBfm`: load,
program, start, wait for irq_o, read back) on the fast one-coroutine AXI RAM (or
cocotbext-axi's AxiRam with PNC_AXI_MODEL=cocotbext), and its :class:`~verif.agents.job.Observed`
(registers, output regions, bursts, wall time, simulated cycles) becomes one JSON line.
Checking is the host's job (:func:`verif.env.scoreboard.compare`), so one bad job does not hide
the others; a hang is recorded and the DUT reset before the next job.
"""

from __future__ import annotations

import os

import cocotb

from verif.agents.job import start_top
from verif.tests.top.job_runner import read_jobs


@cocotb.test()
async def run_jobs(dut):
    """Run every job of PNC_RUN_JOBS; one JSON line per job into PNC_RUN_OUT."""
    jobs = read_jobs(os.environ["PNC_RUN_JOBS"])
    out_path = os.environ["PNC_RUN_OUT"]
    bfm = await start_top(dut, mem_size=int(os.environ.get("PNC_RUN_MEM", str(1 << 20))))
    for i, job in enumerate(jobs):
        obs = await bfm.run(job)
        if obs.timed_out:
            dut._log.error("job %d: no irq_o in time; the DUT was reset", i)
        with open(out_path, "a") as fh:
            fh.write(obs.to_json() + "\n")
        dut._log.info(
            "job %d/%d: %s cycles, %.1f s",
            i + 1,
            len(jobs),
            "hang" if obs.timed_out else obs.cycles,
            obs.wall_s,
        )
