"""Base pyuvm test for the Panacea top level (``rtl/pnc_top.sv``).

Builds the bus-functional models on the DUT's flat ports (AxiLiteMaster on ``s_axil_*``,
MonitoredAxiRam on ``m_axi_*``), hands them to the env (ConfigDB ``BFMS`` for the register
driver, :meth:`PncEnv.attach` for the job and memory agents), resets the DUT, checks ID and
PARAMS against arch.toml (the job BFM's check), runs the test's ``body()`` and, in
``extract_phase`` (before the scoreboard's end check can fail the test), prints the ``SUMMARY``
line and exports coverage.

Environment knobs: ``PNC_JOBS`` (job count of random tests), ``PNC_CYCLE_TOL`` and
``PNC_CYCLE_SLACK`` (relative and absolute cycle tolerance; default CYCLE_TOL and CYCLE_SLACK of
arch.toml [cycle], docs/architecture.md section 6), ``PNC_COV_DIR`` (where to export coverage;
default ./coverage).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import SimpleNamespace

import cocotb
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB, uvm_test

from verif.agents.axil import make_axil_master
from verif.agents.mem import MonitoredAxiRam
from verif.common.clock_reset import reset_dut, start_clock
from verif.common.seeding import make_rng, seed_all, test_seed
from verif.env import coverage as cov
from verif.env.env import PncEnv
from verif.seq_lib.job_item import JobSeq
from verif.seq_lib.stimulus import ADDR_SPACE


def sim_name() -> str:
    name = str(getattr(cocotb, "SIM_NAME", "") or "").lower()
    return "icarus" if "icarus" in name else ("verilator" if "verilator" in name else name)


def n_jobs(default: int) -> int:
    return int(os.environ.get("PNC_JOBS", default))


def row_q_share() -> float:
    """PNC_ROW_Q_SHARE: the share of per-row jobs among the random jobs (default 0: none, and
    the same jobs as without the knob)."""
    v = float(os.environ.get("PNC_ROW_Q_SHARE", "0"))
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"PNC_ROW_Q_SHARE must be in [0, 1], got {v}")
    return v


class PncBaseTest(uvm_test):
    corrupt_prediction = False

    def build_phase(self):
        self.seed = seed_all()
        self.rng = make_rng(type(self).__name__)
        cov.reset_coverage()
        self.dut = cocotb.top
        self.bfms = SimpleNamespace(axil=None, mem=None)
        ConfigDB().set(None, "*", "BFMS", self.bfms)
        ConfigDB().set(None, "*", "CORRUPT_PREDICTION", self.corrupt_prediction)
        self.env = PncEnv("env", self)

    @property
    def reg_seqr(self):
        return self.env.axil.seqr

    @property
    def job_seqr(self):
        return self.env.jobs.seqr

    async def run_phase(self):
        self.raise_objection()
        dut = self.dut
        start_clock(dut)
        dut.rst_ni.value = 0
        await ClockCycles(dut.clk_i, 2)  # outputs leave X before the BFMs sample them
        for log in ("cocotb.pnc_top.s_axil", "cocotb.pnc_top.m_axi"):
            logging.getLogger(log).setLevel(logging.WARNING)
        self.bfms.axil = make_axil_master(dut)
        # both models are sparse: the whole 32-bit space, no aliasing (wide placements)
        self.bfms.mem = MonitoredAxiRam(dut, "m_axi", size=ADDR_SPACE)
        self.env.attach(dut, self.bfms.mem)
        await reset_dut(dut)
        await ClockCycles(self.dut.clk_i, 2)
        await self.env.jobs.driver.bfm.check_identity()
        self.logger.info(
            f"seed {self.seed}: rerun with make sim SIM={sim_name()} "
            f"MODULE=verif.tests.uvm.tb_pnc_uvm TEST={type(self).__name__} "
            f"SEED={self.seed}"
        )
        self.env.mark_start()
        await self.body()
        await ClockCycles(self.dut.clk_i, 5)
        self.drop_objection()

    async def body(self):
        raise NotImplementedError

    async def run_jobs(self, count=1, knobs=None, tag=None, specs=None) -> JobSeq:
        seq = JobSeq(tag or "jobs", count=count, knobs=knobs, tag=tag, specs=specs)
        await seq.start(self.job_seqr)
        return seq

    def extract_phase(self):
        name = type(self).__name__
        self.logger.info(self.env.summary(name))
        groups = " ".join(
            f"{g.split('.')[-1]}={p:.0f}%" for g, p in cov.group_percentages().items()
        )
        self.logger.info(f"SUMMARY {name} coverage by group: {groups}")
        out = Path(os.environ.get("PNC_COV_DIR", "coverage"))
        cov.export(out, f"{name}-{sim_name()}-seed{test_seed()}")


class RegisterTest(PncBaseTest):
    """Runs standard register sequences on the env's register model."""

    @property
    def regmodel(self):
        return self.env.regmodel

    async def reg_sequence(self, seq) -> None:
        await seq.start()
        self.logger.info(f"{seq.get_name()}: {seq.accesses} accesses, {len(seq.problems)} problems")
        for p in seq.problems:
            self.logger.error(p)
        assert not seq.problems, f"{len(seq.problems)} register problems, first: {seq.problems[0]}"
