"""The job BFM (plain cocotb, no pyuvm): load, program, start, wait, read back.

Every top-level bench runs its jobs through :meth:`JobBfm.run`: the pyuvm job driver, the
end-to-end tests, ``panacea run`` / ``make bench`` (``tb_run_layer``) and the AXI stall bench.
One job, in this order (the order fixes where stall patterns start and the simulated cycles a
job takes from programming to read-back):

1. the memory image goes into the AXI RAM (output regions zero-filled), SLVERR windows and the
   per-channel stall patterns are set (drawn from ``rng``), the burst record is emptied;
2. the descriptor registers, ``IRQ_STATUS = 1`` (clears a previous job's interrupt) and
   ``IRQ_EN = 1`` are written, then ``CTRL = 1`` starts the job;
3. ``irq_o`` is awaited event-driven (no per-cycle Python) for at most
   :func:`timeout_cycles`; a reset test instead resets the DUT ``reset_after`` cycles in;
4. STATUS, ERR_CODE and every counter register are read; after a legal end the output regions
   are read back from the RAM; a job that never finished is followed by a reset so later jobs
   still run.

Registers go through a register port (``access(ops)``, :mod:`verif.agents.axil`), so the
same BFM serves a bare AxiLiteMaster and the pyuvm register agent.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
from cocotb.triggers import ClockCycles, First, RisingEdge, Timer
from panacea.config import ARCH, CONSTS, COUNTERS, ERRORS
from panacea.cycles import mode_cycles
from panacea.memimage import Job, MemImage, pack_job, region_layout

from verif.agents.axil import AxilRegs, make_axil_master
from verif.agents.mem import MonitoredAxiRam, stalled
from verif.common.clock_reset import CLK_PERIOD_NS, reset_dut, sim_cycles, start_clock

from .items import Observed

OUT_REGIONS = ("out", "out_ho")
READBACK = ("STATUS", "ERR_CODE", *COUNTERS)  # read after every job, in this order


def timeout_cycles(job: Job, stalls: bool) -> int:
    """How long to wait for ``irq_o``: 8 x the modelled cycles (40 x when stalls are injected)
    + 5000 cycles of margin for programming and the fixed latencies."""
    return mode_cycles(job).cycles * (40 if stalls else 8) + 5000


def params_value() -> int:
    """The PARAMS register arch.toml implies (NUM_PEA, V, AXI bytes, RUN_BITS; section 5)."""
    return (
        int(ARCH.NUM_PEA)
        | int(ARCH.V) << 8
        | (int(ARCH.AXI_DATA_W) // 8) << 16
        | int(ARCH.RUN_BITS) << 24
    )


class JobBfm:
    """Runs jobs on ``pnc_top``: ``mem`` the AXI RAM with monitor, ``regs`` a register port."""

    def __init__(self, dut, mem: MonitoredAxiRam, regs) -> None:
        self.dut, self.mem, self.regs = dut, mem, regs
        self.count = 0

    async def check_identity(self) -> None:
        """ID and PARAMS read back as arch.toml says."""
        rd = await self.regs.access([("rd", "ID", 0), ("rd", "PARAMS", 0)])
        assert rd["ID"] == int(CONSTS.ID_VALUE), (
            f"ID reads {rd['ID']:#x}, expected {int(CONSTS.ID_VALUE):#x}"
        )
        assert rd["PARAMS"] == params_value(), (
            f"PARAMS reads {rd['PARAMS']:#x}, arch.toml says {params_value():#x}"
        )

    async def run(
        self,
        job: Job,
        image: MemImage | None = None,
        regs: Mapping[str, int] | None = None,
        err_windows: Sequence[tuple[int, int, str]] = (),
        stalls: Mapping[str, str] | None = None,
        rng: np.random.Generator | None = None,
        reset_after: int | None = None,
    ) -> Observed:
        """Run one job; ``image``/``regs`` default to ``pack_job(job)`` (tests pass tampered
        ones), ``stalls`` maps AXI channel -> pause profile (drawn from ``rng``),
        ``reset_after`` resets the DUT that many cycles after the start (the job is then
        ``aborted``). Returns the driver's view of the job."""
        dut, mem = self.dut, self.mem
        image = image if image is not None else pack_job(job)
        regs = regs if regs is not None else image.regs
        obs = Observed(idx=self.count)
        self.count += 1
        t0, c0 = time.perf_counter(), sim_cycles(dut)
        mem.load(image.regions)
        mem.err_windows = list(err_windows)
        if stalls is not None:
            mem.set_stalls(dict(stalls), rng)
        mem.take_bursts()
        await self.regs.access(
            [("wr", n, v) for n, v in regs.items()] + [("wr", "IRQ_STATUS", 1), ("wr", "IRQ_EN", 1)]
        )
        limit = timeout_cycles(job, stalled(stalls))
        t_start = sim_cycles(dut)
        await self.regs.access([("wr", "CTRL", 1)])
        if reset_after is not None:
            await ClockCycles(dut.clk_i, reset_after)
            await reset_dut(dut, cycles=8, settle=2)
            obs.aborted = True
        else:
            obs.irq = await self._wait_irq(limit)
        obs.wall_cycles = sim_cycles(dut) - t_start
        if not obs.aborted:
            obs.set_registers(await self.regs.access([("rd", r, 0) for r in READBACK]))
            if obs.err_code == int(ERRORS.OK) and not obs.timed_out:
                lay = region_layout(job)
                obs.regions = {n: mem.read(*lay[n]) for n in OUT_REGIONS}
        obs.bursts = mem.take_bursts()
        mem.err_windows = []
        if obs.timed_out:
            await reset_dut(dut, cycles=8, settle=2)  # the hang is already a failure
        obs.dut_cycles = sim_cycles(dut) - c0
        obs.wall_s = time.perf_counter() - t0
        return obs

    async def _wait_irq(self, limit: int) -> bool:
        """Wait for irq_o for at most ``limit`` cycles without a per-cycle coroutine: a timer
        ending just before the limit-th edge (irq_o only changes on edges), then that edge."""
        dut = self.dut
        if int(dut.irq_o.value):
            return True
        fired = await First(RisingEdge(dut.irq_o), Timer(limit * CLK_PERIOD_NS - 3, unit="ns"))
        if isinstance(fired, Timer):
            await RisingEdge(dut.clk_i)
        return int(dut.irq_o.value) == 1


async def start_top(dut, mem_size: int = 1 << 20, model: str | None = None) -> JobBfm:
    """Plain-cocotb set-up of ``pnc_top``: clock, AXI4-Lite master, monitored AXI RAM
    (``model``: see :func:`verif.agents.mem.axi_model`), reset, ID/PARAMS check."""
    start_clock(dut)
    regs = AxilRegs(make_axil_master(dut))
    mem = MonitoredAxiRam(dut, "m_axi", size=mem_size, model=model)
    await reset_dut(dut)
    bfm = JobBfm(dut, mem, regs)
    await bfm.check_identity()
    return bfm
