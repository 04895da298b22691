"""pyuvm top-level tests of Panacea; each is a cocotb test runnable alone:

    make sim SIM=icarus MODULE=verif.tests.uvm.tb_pnc_uvm TEST=<ClassName> SEED=<n>

The testplan (verif/testplan.toml) maps testpoints to these tests and to covergroups.
"""

from __future__ import annotations

import numpy as np
import pyuvm
from cocotb.triggers import ClockCycles
from panacea.config import ARCH, CONSTS
from panacea.regmap import REGISTERS

from verif.agents.axil import reg_read, reg_write
from verif.env import coverage as cov
from verif.ral.sequences import RegAccessSeq, RegBitBashSeq, RegHwResetSeq, RegNoAliasSeq
from verif.seq_lib.job_gen import (
    ACT_FAMILIES,
    DESCRIPTOR_ILLEGAL,
    ILLEGAL_KINDS,
    WT_FAMILIES,
    JobKnobs,
    gen_job,
    wbuf_mode_specs,
)
from verif.tests.uvm.base_test import PncBaseTest, RegisterTest, n_jobs

RUN_MAX = (1 << int(ARCH.RUN_BITS)) - 1
AQS = int(CONSTS.SKIP_AQS)
SMALL = dict(max_m=24, max_n=24, max_k=40)


@pyuvm.test()
class SmokeOneJobPerOutputFormat(PncBaseTest):
    """Three small legal AQS jobs (INT32, UINT8, UINT8_RLE), no stalls."""

    async def body(self):
        await self.run_jobs(
            3,
            lambda i: JobKnobs(
                out_fmt=i, stall="none", placement="packed", dim_class="tile_pm1", **SMALL
            ),
            tag="smoke",
        )


@pyuvm.test()
class RandomLegalJobs(PncBaseTest):
    """PNC_JOBS (default 20) fully random legal jobs."""

    async def body(self):
        await self.run_jobs(n_jobs(20), JobKnobs(), tag="random")


@pyuvm.test()
class EachDistributionFamily(PncBaseTest):
    """One job per activation family (weights cycle through their families)."""

    async def body(self):
        await self.run_jobs(
            len(ACT_FAMILIES),
            lambda i: JobKnobs(
                act_family=ACT_FAMILIES[i], wt_family=WT_FAMILIES[i % len(WT_FAMILIES)], **SMALL
            ),
            tag="families",
        )


@pyuvm.test()
class SparsitySweep0To100Percent(PncBaseTest):
    """AQS jobs with activation and weight vector sparsity swept 0, 10, ..., 100 %."""

    async def body(self):
        await self.run_jobs(
            11,
            lambda i: JobKnobs(
                mode=AQS,
                act_sparsity=i / 10,
                wt_sparsity=(10 - i) / 10 if i % 2 else i / 10,
                m=16,
                n=16,
                k=64,
                stall="none",
            ),
            tag="sparsity",
        )


def rle_corner_specs(rng) -> list:
    """Directed streams: runs of 0, 1, RUN_MAX, RUN_MAX+1 (a filler), several fillers,
    all-skipped streams, trailing skips and K = 1."""
    specs = []
    cases = [  # (K, live activation positions, live weight positions)
        (1, [0], []),
        (1, [], [0]),
        (2, [1], [0, 1]),
        (RUN_MAX + 1, [RUN_MAX], [0]),
        (RUN_MAX + 2, [RUN_MAX + 1], [RUN_MAX + 1]),
        (2 * RUN_MAX + 40, [0, 2 * RUN_MAX + 39], [5]),
        (3 * (RUN_MAX + 1) + 3, [3 * (RUN_MAX + 1)], list(range(0, 40, 2))),
        (300, list(range(0, 300, 2)), []),
        (64, [], []),
    ]
    for k, alive, wlive in cases:
        base = gen_job(
            rng,
            JobKnobs(
                m=9,
                n=12,
                k=k,
                mode=AQS,
                b=4,
                zp_place="natural",
                out_fmt=int(rng.integers(0, 3)),
                stall="none",
                act_family="gaussian",
            ),
        )
        r_eff, b = base.r, base.b
        x = ((r_eff << b) + rng.integers(0, 1 << b, (base.m, k))).astype(np.uint8)
        for p in alive:  # one live lane in block 0, all lanes in block 1
            x[0, p] = ((r_eff + 1) % (1 << (8 - b)) << b) | (x[0, p] & ((1 << b) - 1))
            x[8:, p] = (r_eff + 2) % (1 << (8 - b)) << b
        w = rng.integers(-16 if base.sbr else 0, 16, (base.n, k)).astype(np.int8)
        for p in wlive:
            w[:, p] = rng.integers(-128, 128, base.n).astype(np.int8)
        base.x, base.w = x, w
        base.meta["act_family"] = "gaussian"
        specs.append(base)
    return specs


@pyuvm.test()
class RleRunLengthCorners(PncBaseTest):
    """Directed HO streams: run 0/1/max, gaps longer than the run field, empty streams, K=1."""

    async def body(self):
        await self.run_jobs(specs=rle_corner_specs(self.rng), tag="rle")


@pyuvm.test()
class WeightBufferSlotModes(PncBaseTest):
    """Two-slot prefetch, one-slot reload and no-fit pass-through, each with one and several
    n-groups (K above the buffer's thresholds, which random jobs never reach)."""

    async def body(self):
        await self.run_jobs(specs=wbuf_mode_specs(self.rng), tag="wbuf")


@pyuvm.test()
class SkipModesGiveIdenticalOutputs(PncBaseTest):
    """The same job in DENSE, ZERO_SKIP and AQS: each matches the model, all outputs equal."""

    async def body(self):
        for j in range(2):
            spec = gen_job(
                self.rng, JobKnobs(mode=AQS, act_sparsity=0.6, stall="none", out_fmt=j * 2, **SMALL)
            )
            specs = [spec.copy_with(mode=m) for m in (0, 1, 2)]
            await self.run_jobs(specs=specs, tag=f"modes{j}")
            hist = self.env.jobs.monitor.history[-3:]
            outs = [o.regions.get("out") for o in hist]
            assert outs[0] == outs[1] == outs[2], (
                "skip modes gave different output bytes for the same job"
            )


@pyuvm.test()
class BackToBackJobs(PncBaseTest):
    """Many tiny jobs issued back to back (start written as soon as the previous one is done)."""

    async def body(self):
        await self.run_jobs(
            n_jobs(12), JobKnobs(dim_class="tiny", stall="none", max_k=16), tag="b2b"
        )


@pyuvm.test()
class StallCrossEveryAxiChannel(PncBaseTest):
    """Each AXI channel alone under cyclic, random and heavy stalls, then all channels mixed."""

    async def body(self):
        names = [
            f"only_{ch}_{p}"
            for ch in ("ar", "r", "aw", "w", "b")
            for p in ("cyclic", "random", "heavy")
        ] + ["mixed", "random"]
        await self.run_jobs(
            len(names),
            lambda i: JobKnobs(
                stall=names[i], m=12, n=20, k=24, placement="page_edge" if i % 3 == 0 else None
            ),
            tag="stalls",
        )


@pyuvm.test()
class IllegalDescriptorsThenLegalJob(PncBaseTest):
    """Every descriptor error code, each followed by a legal job that must be correct."""

    async def body(self):
        for kd in DESCRIPTOR_ILLEGAL:
            await self.run_jobs(
                1, JobKnobs(illegal=kd, dim_class="tiny", stall="none"), tag=f"ill_{kd}"
            )
            await self.run_jobs(1, JobKnobs(dim_class="tiny", stall="none"), tag=f"ok_{kd}")


@pyuvm.test()
class AxiErrorsAndCorruptStreamsThenLegalJob(PncBaseTest):
    """SLVERR on a read and on a write, corrupt HO streams: error code, no hang, next job ok."""

    async def body(self):
        for i, kd in enumerate(
            (
                "axi_rd_err",
                "axi_wr_err",
                "stream_corrupt",
                "axi_rd_err",
                "axi_wr_err",
                "stream_corrupt",
            )
        ):
            await self.run_jobs(
                1,
                JobKnobs(illegal=kd, stall="random" if i >= 3 else "none", **SMALL),
                tag=f"err{i}",
            )
            await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag=f"after{i}")


@pyuvm.test()
class ResetDuringJobThenLegalJob(PncBaseTest):
    """Reset early, mid-way and late in a job; registers return to reset values; next job ok."""

    async def body(self):
        from panacea.cycles import mode_cycles

        from verif.seq_lib.job_item import ItemSeq, JobItem

        for phase, frac in (("early", 0.02), ("mid", 0.5), ("late", 0.9)):
            item = JobItem(f"rst_{phase}")
            item.randomize_with(self.rng, JobKnobs(stall="none", m=16, n=40, k=48))
            model = mode_cycles(item.stim.job).cycles
            item.reset_after = max(2, int(model * frac))
            await ItemSeq("rst", [item]).start(self.job_seqr)
            cov.sample_reset(phase)
            status = await reg_read(self.reg_seqr, "STATUS")
            assert status == 0, f"STATUS={status:#x} after reset ({phase}), expected 0"
            assert int(self.dut.irq_o.value) == 0, "irq_o high after reset"
            await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag=f"after_{phase}")


# Register tests: UVM's standard register sequences (verif.ral.sequences) on the register model
# generated from arch.toml. CTRL is never bashed: writing its start bit launches a job.
NO_BASH = ("CTRL",)
TINY = JobKnobs(dim_class="tiny", stall="none")


@pyuvm.test()
class RegHwReset(RegisterTest):
    """uvm_reg_hw_reset_seq: every register reads its arch.toml reset value after reset; a job
    then runs normally."""

    async def body(self):
        await self.reg_sequence(RegHwResetSeq("hw_reset", self.regmodel))
        await self.run_jobs(1, TINY, tag="after_reset_check")


@pyuvm.test()
class RegBitBash(RegisterTest):
    """uvm_reg_bit_bash_seq: every bit of every register (but CTRL) written 1 and 0 and read
    back against the mirror (RW bits follow, RO and unmapped bits keep); then a job."""

    async def body(self):
        await self.reg_sequence(RegBitBashSeq("bit_bash", self.regmodel, skip=NO_BASH))
        await self.run_jobs(1, TINY, tag="after_bit_bash")


@pyuvm.test()
class RegAccessPolicies(RegisterTest):
    """A job sets IRQ_STATUS and STATUS.done; irq_o = IRQ_EN & IRQ_STATUS; read-only fields
    ignore writes; IRQ_STATUS keeps its bit on 0 and clears it on 1 (uvm_reg_access_seq)."""

    async def body(self):
        dut = self.dut
        await self.run_jobs(1, TINY, tag="irq")
        status = await reg_read(self.reg_seqr, "STATUS")
        assert status & 0b111 == 0b010, f"STATUS={status:#x} after a good job, expected done only"
        await reg_write(self.reg_seqr, "IRQ_EN", 0)
        await ClockCycles(dut.clk_i, 2)
        assert not int(dut.irq_o.value), "irq_o high with IRQ_EN = 0"
        await reg_write(self.reg_seqr, "IRQ_EN", 1)
        await ClockCycles(dut.clk_i, 2)
        assert int(dut.irq_o.value), "irq_o low with IRQ_EN = 1 and IRQ_STATUS = 1"
        done = REGISTERS["IRQ_STATUS"].field("done").mask
        await self.reg_sequence(
            RegAccessSeq("access", self.regmodel, skip=NO_BASH, w1c_set={"IRQ_STATUS": done})
        )
        await ClockCycles(dut.clk_i, 2)
        assert not int(dut.irq_o.value), "irq_o high after IRQ_STATUS was cleared"


@pyuvm.test()
class RegNoAliasing(RegisterTest):
    """No two registers share storage: a write to any one (every bit inverted) leaves every
    other register as the mirror has it; then a job."""

    async def body(self):
        await self.reg_sequence(RegNoAliasSeq("no_alias", self.regmodel, skip=NO_BASH))
        await self.run_jobs(1, TINY, tag="after_no_alias")


@pyuvm.test()
class CorruptedPredictionMustFail(PncBaseTest):
    """Negative test of the scoreboard: one predicted element is flipped on purpose, so this
    test MUST FAIL (the pytest wrapper asserts that it does)."""

    corrupt_prediction = True

    async def body(self):
        await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag="corrupt")


@pyuvm.test()
class NightlySoakRandomJobs(PncBaseTest):
    """Long random soak (PNC_JOBS, default 300) incl. large jobs, errors and stalls."""

    async def body(self):
        def knobs(i):
            if i % 10 == 9:
                return JobKnobs(
                    illegal=ILLEGAL_KINDS[(i // 10) % len(ILLEGAL_KINDS)], dim_class="tiny"
                )
            return JobKnobs(max_m=64, max_n=64, max_k=160)

        await self.run_jobs(n_jobs(300), knobs, tag="soak")
