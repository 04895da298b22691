"""pyuvm environment of the Panacea top level.

::

    JobSeq --> job_seqr --> JobDriver --(stimulus)--> PredictorComp --(Expected)--+--> Scoreboard
                              |   |                                               +--> Coverage
                              |   +-- RegSeq --> AxilAgent (AxiLiteMaster) --> s_axil_*
                              |   +-- load/stall/err --> MonitoredAxiRam <------ m_axi_*
                              +--(Observed: status, counters, output bytes, bursts)--> Scoreboard,
                                                                                      Coverage

The JobDriver is a layered driver: for each JobItem it loads memory, programs the descriptor
through register sequences, starts the job, waits for the interrupt (with a timeout derived from
the cycle model), reads status and counters, reads the output regions back and publishes an
:class:`~verif.env.scoreboard.Observed`.
"""
from __future__ import annotations

import os
import time

import cocotb
from cocotb.triggers import ClockCycles, First, RisingEdge, Timer
from panacea.config import ERRORS, REGS
from panacea.cycles import CYCLE_SLACK, CYCLE_TOL
from pyuvm import (
    ConfigDB,
    uvm_analysis_port,
    uvm_component,
    uvm_driver,
    uvm_env,
    uvm_sequencer,
    uvm_subscriber,
)

from verif.agents.axil import AxilAgent, RegSeq
from verif.agents.mem import MemAgent
from verif.common.clock_reset import CLK_PERIOD_NS, sim_cycles
from verif.common.seeding import make_rng

from . import coverage as cov
from .predictor import COUNTER_NAMES, Predictor
from .scoreboard import Observed, ScoreboardCore

PERF_REGS = ("CYCLES",) + COUNTER_NAMES


class JobDriver(uvm_driver):
    def build_phase(self):
        self.dut = cocotb.top
        self.bfms = ConfigDB().get(self, "", "BFMS")
        self.stim_ap = uvm_analysis_port("stim_ap", self)
        self.obs_ap = uvm_analysis_port("obs_ap", self)
        self.rng = make_rng("job_driver")
        self.count = 0
        self.busy_cycles = 0
        self.history: list[Observed] = []     # every observation, for cross-job checks

    async def regs(self, ops):
        seq = RegSeq("regs", ops)
        await seq.start(ConfigDB().get(self, "", "REG_SEQR"))
        return {it.addr: it.data for it in seq.results if it.op == "rd"}

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            await self.drive(item)
            self.seq_item_port.item_done()

    @property
    def mem(self):
        return self.bfms.mem

    async def drive(self, item):
        st = item.stim
        idx = self.count
        self.count += 1
        self.stim_ap.write(item)                 # predictor computes Expected now
        self.mem.load(st.image.regions)
        self.mem.err_windows = list(st.err_windows)
        self.mem.set_stalls(item.stalls, self.rng)
        self.mem.take_bursts()
        ops = [("wr", name, val) for name, val in st.regs.items()]
        ops += [("wr", "IRQ_STATUS", 1), ("wr", "IRQ_EN", 1)]
        await self.regs(ops)
        limit = self.timeout_cycles(item)
        t0 = sim_cycles(self.dut)
        await self.regs([("wr", "CTRL", 1)])
        obs = Observed(idx=idx)
        if item.reset_after is not None:
            await ClockCycles(self.dut.clk_i, item.reset_after)
            await hard_reset(self.dut)
            n_bursts = len(self.mem.take_bursts())
            obs.aborted = True
            obs.wall_cycles = sim_cycles(self.dut) - t0
            self.logger.info(f"job {idx}: stalls={self._stall_names(item)} reset after "
                             f"{item.reset_after} cycles, wall_cycles={obs.wall_cycles} "
                             f"bursts={n_bursts}")
            self.history.append(obs)
            self.obs_ap.write(obs)
            return
        if int(self.dut.irq_o.value) == 0:
            # Timeout without a per-cycle coroutine: a simulator timer ending just before the
            # limit-th edge (irq_o only changes on edges), then that edge itself, so a timeout
            # still ends on the same clock edge as ClockCycles(clk, limit) did.
            fired = await First(RisingEdge(self.dut.irq_o),
                                Timer(limit * CLK_PERIOD_NS - 3, unit="ns"))
            if isinstance(fired, Timer):
                await RisingEdge(self.dut.clk_i)
            obs.irq = int(self.dut.irq_o.value) == 1
        else:
            obs.irq = True
        obs.wall_cycles = sim_cycles(self.dut) - t0
        self.busy_cycles += obs.wall_cycles
        rd = await self.regs([("rd", "STATUS", 0), ("rd", "ERR_CODE", 0)]
                             + [("rd", r, 0) for r in PERF_REGS])
        obs.status, obs.err_code = rd[REGS["STATUS"]], rd[REGS["ERR_CODE"]] & 0xFF
        obs.timed_out = not obs.irq and not (obs.status >> 1 & 1)
        obs.cycles = rd[REGS["CYCLES"]]
        obs.counters = {r: rd[REGS[r]] for r in COUNTER_NAMES}
        if obs.err_code == int(ERRORS.OK) and not obs.timed_out:
            for name in ("out", "out_ho"):
                addr, data = st.image.regions[name]
                obs.regions[name] = self.mem.read(addr, len(data))
        obs.bursts = self.mem.take_bursts()
        self.mem.err_windows = []
        self.logger.info(f"job {idx}: stalls={self._stall_names(item)} "
                         f"wall_cycles={obs.wall_cycles} "
                         f"status={obs.status:#x} err_code={obs.err_code} CYCLES={obs.cycles} "
                         + " ".join(f"{k}={v}" for k, v in obs.counters.items())
                         + f" bursts={len(obs.bursts)}")
        if obs.timed_out:
            # a hung job: reset the DUT so later jobs still run (the hang is already a failure)
            await hard_reset(self.dut)
        self.history.append(obs)
        self.obs_ap.write(obs)

    @staticmethod
    def _stall_names(item) -> str:
        return ",".join(f"{c}:{p}" for c, p in item.stalls.items() if p != "none") or "none"

    def timeout_cycles(self, item) -> int:
        from panacea.cycles import mode_cycles
        try:
            model = mode_cycles(item.stim.job).cycles
        except Exception:
            model = 1000
        heavy = any(p != "none" for p in item.stalls.values())
        return int(model * (40 if heavy else 8)) + 5000


async def hard_reset(dut, cycles: int = 8) -> None:
    dut.rst_ni.value = 0
    await ClockCycles(dut.clk_i, cycles)
    dut.rst_ni.value = 1
    await ClockCycles(dut.clk_i, 2)


class PredictorComp(uvm_subscriber):
    """Receives each JobItem from the driver, publishes the model's Expected on ``ap``."""

    def build_phase(self):
        corrupt = bool(ConfigDB().get(self, "", "CORRUPT_PREDICTION")) \
            if ConfigDB().exists(self, "", "CORRUPT_PREDICTION") else False
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

    def write_exp(self, exp):
        self.core.add_expected(exp)
        self.stalled[exp.idx] = any(p != "none" for p in exp.stalls.values())

    def write_obs(self, obs):
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

    def write_exp(self, exp):
        cov.sample_job(exp.spec, exp)
        cov.sample_stalls(exp.stalls)

    def write_obs(self, obs):
        if not obs.aborted and not obs.timed_out:
            cov.sample_error(obs.err_code)
        if any(b.kind in ("rd", "wr") and (b.addr % 4096) + b.beats * b.size == 4096
               for b in obs.bursts):
            cov.sample_page_cross()


class JobAgent(uvm_component):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = JobDriver("driver", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class PncEnv(uvm_env):
    def build_phase(self):
        self.axil = AxilAgent("axil", self)
        self.mem = MemAgent("mem", self)
        self.jobs = JobAgent("jobs", self)
        self.predictor = PredictorComp("predictor", self)
        self.scoreboard = Scoreboard("scoreboard", self)
        self.coverage = CoverageComp("coverage", self)
        self.mark_start()

    def mark_start(self) -> None:
        """Start of the measured window for the DUT cycles per second figure."""
        self.t_start = time.time()
        self.cyc_start = sim_cycles(cocotb.top)

    def connect_phase(self):
        drv = self.jobs.driver
        drv.stim_ap.connect(self.predictor.analysis_export)
        self.predictor.ap.connect(self.scoreboard.exp_export)
        self.predictor.ap.connect(self.coverage.exp_export)
        drv.obs_ap.connect(self.scoreboard.obs_export)
        drv.obs_ap.connect(self.coverage.obs_export)

    def summary(self, test_name: str) -> str:
        sb = self.scoreboard.core
        wall = max(time.time() - self.t_start, 1e-9)
        cyc = sim_cycles(cocotb.top) - self.cyc_start
        per_mode = " ".join(
            f"{m}={sum(c for c, _ in v) / len(v):.0f}(model {sum(p for _, p in v) / len(v):.0f})"
            for m, v in sorted(sb.cycles_per_mode.items()))
        return (f"SUMMARY {test_name}: jobs={sb.jobs} errors_checked={sb.errors_checked} "
                f"elements={sb.elements} mismatches={len(sb.mismatches)} "
                f"coverage={cov.percent():.1f}% cycles_per_mode[{per_mode or '-'}] "
                f"dut_cycles={cyc} dut_cycles_per_s={cyc / wall:.0f}")
