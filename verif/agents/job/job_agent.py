"""pyuvm layer of the job agent: a driver around the job BFM, a monitor component around the
passive job monitor, and the agent holding them with a sequencer.

The driver takes items with ``stim`` (job, image, registers, SLVERR windows), ``stalls`` and
``reset_after`` (:class:`verif.seq_lib.job_item.JobItem`), publishes each on ``stim_ap`` before
driving it (the predictor's input) and runs it with :class:`~.bfm.JobBfm` through the register
agent's sequencer. What the scoreboard compares comes from the monitor's ``ap``; the driver's
own view of each job (``obs_ap``) only serves to cross-check the monitor. The bus-functional
models are created by the test once the DUT is in reset and handed over with
:meth:`JobAgent.attach`.
"""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_agent, uvm_analysis_port, uvm_driver, uvm_monitor, uvm_sequencer

from verif.agents.axil import SeqrRegs
from verif.common.seeding import make_rng

from .bfm import JobBfm
from .monitor import JobMonitor


class JobDriver(uvm_driver):
    def build_phase(self):
        self.stim_ap = uvm_analysis_port("stim_ap", self)
        self.obs_ap = uvm_analysis_port("obs_ap", self)  # the driver's own view, cross-checked
        self.rng = make_rng("job_driver")
        self.bfm: JobBfm | None = None
        self.busy_cycles = 0

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            await self.drive(item)
            self.seq_item_port.item_done()

    def attach(self, dut, mem) -> None:
        self.bfm = JobBfm(dut, mem, SeqrRegs(ConfigDB().get(self, "", "REG_SEQR")))

    async def drive(self, item):
        st = item.stim
        self.stim_ap.write(item)  # the predictor computes Expected now
        obs = await self.bfm.run(
            st.job, st.image, st.regs, st.err_windows, item.stalls, self.rng, item.reset_after
        )
        self.obs_ap.write(obs)
        stalls = ",".join(f"{c}:{p}" for c, p in item.stalls.items() if p != "none") or "none"
        if obs.aborted:
            self.logger.info(
                f"job {obs.idx}: stalls={stalls} reset after {item.reset_after} "
                f"cycles, wall_cycles={obs.wall_cycles} bursts={len(obs.bursts)}"
            )
            return
        self.busy_cycles += obs.wall_cycles
        self.logger.info(
            f"job {obs.idx}: stalls={stalls} wall_cycles={obs.wall_cycles} " + obs.log_line()
        )


class JobMonitorComp(uvm_monitor):
    """Publishes every job the passive :class:`JobMonitor` observed on ``ap``."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.monitor: JobMonitor | None = None

    def attach(self, dut, mem) -> None:
        self.monitor = JobMonitor(dut, mem)
        self.monitor.listeners.append(self.ap.write)

    @property
    def history(self):
        return self.monitor.history if self.monitor is not None else []


class JobAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = JobDriver("driver", self)
        self.monitor = JobMonitorComp("monitor", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)

    def attach(self, dut, mem) -> None:
        """Drive and observe through the bus-functional models (created with the DUT in
        reset)."""
        self.driver.attach(dut, mem)
        self.monitor.attach(dut, mem)
