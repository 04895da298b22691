"""pyuvm environment of the Panacea top level.

::

    JobSeq --> jobs.seqr --> JobDriver (JobBfm) --(JobItem)--> PredictorComp --(Expected)--+
                              |   +-- SeqrRegs --> AxilAgent (AxiLiteMaster) --> s_axil_*   |
                              |   +-- load/stall/err --> MonitoredAxiRam <------ m_axi_*    |
                              |                                                             v
    JobMonitor (passive: s_axil_* pins, irq_o, rst_ni, bursts) --(Observed)--> Scoreboard, Coverage

    regmodel (PncRegBlock) --map--> AxilRegAdapter --> axil.seqr        (register sequences)
    AxilMonitor (passive: s_axil_* pins) --> AxilRegPredictor --> regmodel mirror

The driver runs each JobItem through the job BFM (load, program, start, wait, read back). The
scoreboard and coverage get what the DUT did from the passive job monitor, never from the
driver, and the prediction from the model through the predictor; the driver's own view only
cross-checks the monitor (any difference is a ``monitor`` mismatch).

The register model (``regmodel``, generated from arch.toml) reaches the bus through the register
agent's sequencer; its mirror follows every access on the pins (explicit prediction), whoever
made it.
"""

from __future__ import annotations

import os
import time

import cocotb
from panacea import memimage as mi
from panacea.cycles import CYCLE_SLACK, CYCLE_TOL
from pyuvm import ConfigDB, uvm_analysis_port, uvm_component, uvm_env, uvm_subscriber

from verif.agents.axil import AxilAgent, AxilRegAdapter, AxilRegPredictor
from verif.agents.job.job_agent import JobAgent
from verif.agents.mem import MemAgent, stalled
from verif.common.clock_reset import sim_cycles
from verif.ral import PncRegBlock

from . import coverage as cov
from .predictor import Predictor
from .scoreboard import ScoreboardCore


class PredictorComp(uvm_subscriber):
    """Receives each JobItem from the driver, publishes the model's Expected on ``ap``."""

    def build_phase(self):
        corrupt = (
            bool(ConfigDB().get(self, "", "CORRUPT_PREDICTION"))
            if ConfigDB().exists(self, "", "CORRUPT_PREDICTION")
            else False
        )
        self.core = Predictor(corrupt_first=corrupt)
        self.ap = uvm_analysis_port("ap", self)

    def write(self, item):
        exp = self.core.predict(item.stim)
        exp.stalls = dict(item.stalls)
        self.ap.write(exp)


class Scoreboard(uvm_component):
    def build_phase(self):
        # Defaults: the documented tolerance (arch.toml [cycle], architecture.md section 6).
        tol = float(os.environ.get("PNC_CYCLE_TOL", str(CYCLE_TOL)))
        slack = int(os.environ.get("PNC_CYCLE_SLACK", str(CYCLE_SLACK)))
        self.core = ScoreboardCore(cycle_tol=tol, cycle_slack=slack)
        self.stalled: dict[int, bool] = {}
        self.exp_export = uvm_subscriber.uvm_AnalysisImp("exp_export", self, self.write_exp)
        self.obs_export = uvm_subscriber.uvm_AnalysisImp("obs_export", self, self.write_obs)
        self.drv_export = uvm_subscriber.uvm_AnalysisImp("drv_export", self, self.write_drv)
        self.monitored: dict[int, object] = {}

    def write_exp(self, exp):
        self.core.add_expected(exp)
        self.stalled[exp.idx] = stalled(exp.stalls)

    def write_drv(self, drv):
        """The driver's view must agree with the monitor's (which published first)."""
        mon = self.monitored.pop(drv.idx, None)
        diffs = ["the monitor did not report this job"] if mon is None else drv.differences(mon)
        for m in self.core.add_problems(drv.idx, "monitor", diffs):
            self.logger.error(str(m))

    def write_obs(self, obs):
        self.monitored[obs.idx] = obs
        if obs.aborted:
            self.core.drop(obs.idx)
            return
        mm = self.core.add_observed(obs, stalls=self.stalled.pop(obs.idx, False))
        for m in mm:
            self.logger.error(str(m))

    def check_phase(self):
        problems = self.core.final_problems()
        if problems:
            self.logger.error(f"{len(problems)} scoreboard problems; first: {problems[0]}")
        assert not problems, f"scoreboard: {len(problems)} problems, first: {problems[0]}"
        assert self.core.jobs > 0, "scoreboard: no job was checked"


class CoverageComp(uvm_component):
    def build_phase(self):
        self.exp_export = uvm_subscriber.uvm_AnalysisImp("exp_export", self, self.write_exp)
        self.obs_export = uvm_subscriber.uvm_AnalysisImp("obs_export", self, self.write_obs)
        self.fmt: dict[int, int] = {}  # output format of each predicted job
        self.since_reset = 0  # jobs ended since the last reset (a reset ends a job aborted)

    def write_exp(self, exp):
        cov.sample_job(exp.spec, exp)
        cov.sample_stalls(exp.stalls)
        cov.sample_page_edge_stall(exp.spec, exp.stalls)
        self.fmt[exp.idx] = mi.decode_descriptor(exp.regs)["fmt"]

    def write_obs(self, obs):
        fmt = self.fmt.pop(obs.idx, None)
        if obs.aborted or obs.timed_out:
            self.since_reset = 0
        else:
            self.since_reset += 1
            cov.sample_job_run(self.since_reset)
            wrote = any(b.kind == "wr" for b in obs.bursts)
            cov.sample_error(obs.err_code, fmt, wrote)
            cov.sample_cycles(obs.cycles)
        if any(
            b.kind in ("rd", "wr") and (b.addr % 4096) + b.beats * b.size == 4096
            for b in obs.bursts
        ):
            cov.sample_page_cross()


class PncEnv(uvm_env):
    def build_phase(self):
        self.axil = AxilAgent("axil", self)
        self.mem = MemAgent("mem", self)
        self.jobs = JobAgent("jobs", self)
        self.predictor = PredictorComp("predictor", self)
        self.scoreboard = Scoreboard("scoreboard", self)
        self.coverage = CoverageComp("coverage", self)
        self.regmodel = PncRegBlock("regmodel")
        self.reg_predictor = AxilRegPredictor("reg_predictor", self)
        self.mark_start()

    def mark_start(self) -> None:
        """Start of the measured window for the DUT cycles per second figure."""
        self.t_start = time.time()
        self.cyc_start = sim_cycles(cocotb.top)

    def attach(self, dut, mem) -> None:
        """Hand the bus-functional models to the agents that observe them."""
        self.mem.attach(mem)
        self.jobs.attach(dut, mem)
        self.reg_predictor.attach(dut, self.regmodel.map)

    def connect_phase(self):
        self.regmodel.map.set_sequencer(self.axil.seqr, AxilRegAdapter())
        self.jobs.driver.stim_ap.connect(self.predictor.analysis_export)
        self.predictor.ap.connect(self.scoreboard.exp_export)
        self.predictor.ap.connect(self.coverage.exp_export)
        self.jobs.monitor.ap.connect(self.scoreboard.obs_export)
        self.jobs.driver.obs_ap.connect(self.scoreboard.drv_export)
        self.jobs.monitor.ap.connect(self.coverage.obs_export)

    def summary(self, test_name: str) -> str:
        sb = self.scoreboard.core
        wall = max(time.time() - self.t_start, 1e-9)
        cyc = sim_cycles(cocotb.top) - self.cyc_start
        per_mode = " ".join(
            f"{m}={sum(c for c, _ in v) / len(v):.0f}(model {sum(p for _, p in v) / len(v):.0f})"
            for m, v in sorted(sb.cycles_per_mode.items())
        )
        return (
            f"SUMMARY {test_name}: jobs={sb.jobs} errors_checked={sb.errors_checked} "
            f"elements={sb.elements} mismatches={len(sb.mismatches)} "
            f"coverage={cov.percent():.1f}% cycles_per_mode[{per_mode or '-'}] "
            f"dut_cycles={cyc} dut_cycles_per_s={cyc / wall:.0f}"
        )
