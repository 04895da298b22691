"""pyuvm top-level tests of Panacea; each is a cocotb test runnable alone:

    make sim SIM=icarus MODULE=verif.tests.uvm.tb_pnc_uvm TEST=<ClassName> SEED=<n>

The testplan (verif/testplan.toml) maps testpoints to these tests and to covergroups.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyuvm
from cocotb.triggers import ClockCycles
from panacea.config import ARCH, CONSTS, REGS
from panacea.memimage import DESCRIPTOR_FIELDS, DESCRIPTOR_REGS
from panacea.regmap import REGISTERS

from verif.agents.axil import reg_read, reg_write
from verif.env import coverage as cov
from verif.ral.sequences import RegAccessSeq, RegBitBashSeq, RegHwResetSeq, RegNoAliasSeq
from verif.seq_lib.job_gen import (
    ACT_FAMILIES,
    DESCRIPTOR_ILLEGAL,
    FMTS,
    ILLEGAL_KINDS,
    MAX_DIM,
    MODES,
    ROW_ZR_FAMILIES,
    WT_FAMILIES,
    JobKnobs,
    V,
    gen_job,
    requant_corner_specs,
    wbuf_chain_specs,
    wbuf_mode_specs,
)
from verif.seq_lib.stimulus import DESCRIPTOR_CORNERS, ROWQ_CORNERS
from verif.tests.uvm.base_test import PncBaseTest, RegisterTest, n_jobs, row_q_share

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
    """PNC_JOBS (default 20) fully random legal jobs (PNC_ROW_Q_SHARE of them per-row)."""

    async def body(self):
        await self.run_jobs(n_jobs(20), JobKnobs(row_q_share=row_q_share()), tag="random")


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
class PerRowZeroPoints(PncBaseTest):
    """Per-row jobs (MODE.row_q: z_m and r_m of every row from the ROWQ_ADDR row vector): every
    skip mode x output format, each per-row z/r family; one per-row job in all three skip modes
    (identical outputs); then PNC_JOBS (default 6) jobs half of them per-row, with stalls."""

    async def body(self):
        fams = ROW_ZR_FAMILIES
        await self.run_jobs(
            len(MODES) * len(FMTS),
            lambda i: JobKnobs(
                row_q=True,
                row_zr=fams[i % len(fams)],
                mode=MODES[i % len(MODES)],
                out_fmt=FMTS[i // len(MODES)],
                stall="none",
                **SMALL,
            ),
            tag="rowq",
        )
        spec = gen_job(
            self.rng, JobKnobs(row_q=True, mode=AQS, act_sparsity=0.6, stall="none", **SMALL)
        )
        await self.run_jobs(specs=[spec.copy_with(mode=m) for m in MODES], tag="rowq_modes")
        outs = [o.regions.get("out") for o in self.env.jobs.monitor.history[-3:]]
        assert outs[0] == outs[1] == outs[2], "skip modes gave different outputs for a per-row job"
        await self.run_jobs(n_jobs(6), JobKnobs(row_q_share=0.5, **SMALL), tag="rowq_mix")
        # the row vector's own errors: a misaligned ROWQ_ADDR, SLVERR on its read; then a
        # legal per-row job
        specs = []
        for i, corner in enumerate(ROWQ_CORNERS):
            kn = JobKnobs(
                row_q=True, illegal="misaligned", out_fmt=FMTS[i], dim_class="tiny", stall="none"
            )
            specs.append(gen_job(self.rng, kn))
            specs[-1].corner = corner
        await self.run_jobs(specs=specs, tag="rowq_misaligned")
        err = JobKnobs(row_q=True, illegal="axi_rd_err", err_at="rowq", stall="none", **SMALL)
        await self.run_jobs(2, err, tag="rowq_rd_err")
        await self.run_jobs(1, JobKnobs(row_q=True, stall="none", **SMALL), tag="rowq_after")


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
class EveryErrorInEveryFormat(PncBaseTest):
    """Every descriptor error at each of its boundary values (stimulus.DESCRIPTOR_CORNERS: the
    first illegal value, values with the field's top bits set, the largest one), the formats
    cycling so each error meets each output format; then SLVERR on a read and on a write and a
    corrupt stream in every format, early and on the last word of a region (read errors late
    in bigger jobs under W stalls, so the abort meets writes in flight); a legal job after
    each kind."""

    async def body(self):
        for kd in DESCRIPTOR_ILLEGAL:
            corners = DESCRIPTOR_CORNERS[kd]
            specs = []
            for i in range(max(len(corners), len(FMTS))):
                spec = gen_job(
                    self.rng,
                    JobKnobs(illegal=kd, dim_class="tiny", stall="none", out_fmt=FMTS[i % 3]),
                )
                spec.corner = corners[i % len(corners)]
                specs.append(spec)
            await self.run_jobs(specs=specs, tag=f"corner_{kd}")
            await self.run_jobs(1, JobKnobs(dim_class="tiny", stall="none"), tag=f"ok_{kd}")
        for fmt in FMTS:
            for kd in ("axi_rd_err", "axi_wr_err", "stream_corrupt"):
                await self.run_jobs(
                    1, JobKnobs(illegal=kd, out_fmt=fmt, stall="none", **SMALL), tag=f"e{kd}{fmt}"
                )
                if kd != "stream_corrupt":
                    late = JobKnobs(
                        illegal=kd,
                        err_at="last",
                        out_fmt=fmt,
                        stall="only_w_heavy" if kd == "axi_rd_err" else "random",
                        m=int(self.rng.integers(17, 33)),
                        n=int(self.rng.integers(17, 41)),
                        k=int(self.rng.integers(8, 33)),
                    )
                    await self.run_jobs(1, late, tag=f"l{kd}{fmt}")
                await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag=f"a{kd}{fmt}")


@pyuvm.test()
class ResetAtEveryPhaseThenLegalJob(PncBaseTest):
    """Reset in each tenth of a job's modelled cycles (and 2 cycles after the start), on a
    job with bias whose output format cycles (UINT8_RLE ends with the header writes), under
    random stalls every other time; STATUS and irq_o back to 0; the next job correct."""

    async def body(self):
        from panacea.cycles import mode_cycles

        from verif.seq_lib.job_item import ItemSeq, JobItem

        for tenth in range(-1, 10):
            item = JobItem(f"rst_t{tenth}")
            kn = JobKnobs(
                stall="random" if tenth % 2 else "none",
                m=int(self.rng.integers(9, 25)),
                n=int(self.rng.integers(3 * V + 1, 5 * V + 1)),
                k=int(self.rng.integers(16, 49)),
                bias=True,
                out_fmt=FMTS[(tenth + 1) % 3],
            )
            item.randomize_with(self.rng, kn)
            model = mode_cycles(item.stim.job).cycles
            frac = (tenth + float(self.rng.random())) / 10
            item.reset_after = 2 if tenth < 0 else max(2, int(model * frac))
            await ItemSeq("rst", [item]).start(self.job_seqr)
            cov.sample_reset_tenth(item.reset_after, model)
            status = await reg_read(self.reg_seqr, "STATUS")
            assert status == 0, f"STATUS={status:#x} after a reset in tenth {tenth}, expected 0"
            assert int(self.dut.irq_o.value) == 0, "irq_o high after reset"
            await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag=f"after_t{tenth}")


@pyuvm.test()
class RequantizationCorners(PncBaseTest):
    """UINT8 and UINT8_RLE with the shortest shifts (1..4: the product's low bits and the
    rounding constant decide the output), the longest (62) and the largest multiplier (every
    output saturates), on small accumulators."""

    async def body(self):
        await self.run_jobs(specs=requant_corner_specs(self.rng), tag="rq")


@pyuvm.test()
class ExtremeDimensionsAndAddresses(PncBaseTest):
    """M, N and K at MAX_DIM and just above 1024 (the top bits of the loop counters), the
    other two tiny, with every region at an address with bits 31..24 set ("high" placement);
    then random jobs with high addresses."""

    async def body(self):
        rng = self.rng
        cases = [
            dict(m=MAX_DIM, n=int(rng.integers(1, V + 1)), k=int(rng.integers(1, 5))),
            dict(m=int(rng.integers(1025, 1033)), n=int(rng.integers(1, V + 1)), k=2),
            dict(m=int(rng.integers(1, V + 1)), n=MAX_DIM, k=int(rng.integers(1, 5))),
            dict(m=int(rng.integers(1, V + 1)), n=int(rng.integers(1, V + 1)), k=MAX_DIM),
        ]
        await self.run_jobs(
            len(cases),
            lambda i: JobKnobs(out_fmt=FMTS[i % 3], stall="none", placement="high", **cases[i]),
            tag="extreme",
        )
        await self.run_jobs(4, JobKnobs(placement="high", **SMALL), tag="high")


@pyuvm.test()
class WideAddressesEveryBit(PncBaseTest):
    """Jobs of two or three m-blocks and n-groups in every output format with every region at a
    random address anywhere in the 32-bit space ("wide"), each followed by the same job at the
    mirrored addresses ("wide_mirror"): every address bit above a region's size is 1 in one job
    of the pair and 0 in the other, in every stream pointer load, per-m-block step and
    per-n-group reload; these three are per-row jobs (MODE.row_q), so the row vector's pointer
    is covered too. Then the same for a per-job RLE job of N = 600 (its HO row stride,
    2408..3608 bytes, has bit 11 set) over two m-blocks."""

    async def body(self):
        rng = self.rng
        groups = int(ARCH.NUM_PEA) * V  # output columns of one n-group
        knobs = [
            JobKnobs(
                m=int(rng.integers(V + 1, 3 * V + 1)),
                n=int(rng.integers(groups + 1, 3 * groups + 1)),
                k=int(rng.integers(1, 9)),
                out_fmt=fmt,
                row_q=True,
                placement="wide",
                stall="none",
            )
            for fmt in FMTS
        ]
        knobs.append(
            JobKnobs(
                m=int(rng.integers(V + 1, 2 * V + 1)),
                n=600,
                k=2,
                out_fmt=FMTS[2],
                row_q=False,
                placement="wide",
                stall="none",
            )
        )
        specs = []
        for kn in knobs:
            spec = gen_job(rng, kn)
            specs += [spec, dataclasses.replace(spec, placement="wide_mirror")]
        await self.run_jobs(len(specs), specs=specs, tag="wide")


@pyuvm.test()
class LongJobCounterHighBits(PncBaseTest):
    """One DENSE job of 64 x 64 x 4096 (about 339 k cycles, model) in INT32: the CYCLES counter
    read back has bit 18 set, so the high bits of the counter bank and its read mux carry a
    value the scoreboard compares with the cycle model."""

    async def body(self):
        kn = JobKnobs(
            m=64,
            n=64,
            k=MAX_DIM,
            mode=int(CONSTS.SKIP_DENSE),
            out_fmt=FMTS[0],
            placement="packed",
            stall="none",
        )
        await self.run_jobs(1, kn, tag="long")


@pyuvm.test()
class ManyJobsEveryPea(PncBaseTest):
    """PNC_JOBS (default 136) small jobs that use all four PEAs, back to back without a reset:
    the 8-bit request counters of every stream wrap around. After each job one descriptor
    register (in turn) is read back after 0..3 idle cycles: it must still hold the job's
    value."""

    async def body(self):
        masks = descriptor_masks()
        regs = list(masks)
        for i in range(n_jobs(136)):
            kn = JobKnobs(
                m=int(self.rng.integers(1, V + 1)),
                n=int(self.rng.integers(3 * V + 1, 4 * V + 1)),
                k=int(self.rng.integers(1, 17)),
                stall="none",
            )
            seq = await self.run_jobs(1, kn, tag=f"many{i}")
            reg = regs[i % len(regs)]
            want = seq.items[0].stim.regs[reg] & masks[reg]
            await ClockCycles(self.dut.clk_i, int(self.rng.integers(0, 4)))
            got = await reg_read(self.reg_seqr, reg)
            assert got == want, f"job {i}: {reg} reads {got:#x} after the job, wrote {want:#x}"


@pyuvm.test()
class StallsAtPageEdgesEveryPea(PncBaseTest):
    """Each AXI channel under heavy stalls, then mixed and random, with every region just
    below a 4 KiB boundary, the bias read and all four PEAs busy (up to two n-groups)."""

    async def body(self):
        names = [f"only_{ch}_heavy" for ch in ("ar", "r", "aw", "w", "b")] + ["mixed", "random"]
        await self.run_jobs(
            len(names),
            lambda i: JobKnobs(
                stall=names[i],
                m=int(self.rng.integers(8, 25)),
                n=int(self.rng.integers(3 * V + 1, 5 * V + 1)),
                k=int(self.rng.integers(16, 41)),
                placement="page_edge",
                bias=True,
                out_fmt=FMTS[i % 3],
            ),
            tag="pagestall",
        )
        # Many m-blocks of bias on four PEAs while the output path crawls: the bias receive
        # FIFO fills, and each group's first bias request starts with a one- or two-beat burst
        for stall in ("only_w_heavy", "only_b_heavy", "only_aw_heavy"):
            kn = JobKnobs(
                stall=stall,
                m=int(self.rng.integers(6 * V + 1, 8 * V + 1)),
                n=int(self.rng.integers(3 * V + 1, 4 * V + 1)),
                k=int(self.rng.integers(4, 13)),
                placement="page_edge_short",
                bias=True,
                out_fmt=int(CONSTS.FMT_INT32),
            )
            await self.run_jobs(1, kn, tag=f"biasfull_{stall}")


@pyuvm.test()
class WeightBufferPrefetchChain(PncBaseTest):
    """Two-slot and one-slot weight buffer with three and four n-groups: the middle n-groups
    prefetch or reload while the previous one plays."""

    async def body(self):
        await self.run_jobs(specs=wbuf_chain_specs(self.rng), tag="wchain")


def descriptor_masks() -> dict[str, int]:
    """Writable bits of each descriptor register (the model's field table)."""
    masks = dict.fromkeys(DESCRIPTOR_REGS, 0)
    for reg, lsb, width in DESCRIPTOR_FIELDS.values():
        masks[reg] |= ((1 << width) - 1) << lsb
    return masks


def lane_runs(strb: int) -> list[tuple[int, int]]:
    """Runs [lo, hi) of adjacent set bits of a 4-bit WSTRB (each run is one AXI4-Lite write)."""
    runs, lane = [], 0
    while lane < 4:
        if strb >> lane & 1:
            hi = lane
            while hi < 4 and strb >> hi & 1:
                hi += 1
            runs.append((lane, hi))
            lane = hi
        else:
            lane += 1
    return runs


@pyuvm.test()
class DescriptorByteLaneWrites(PncBaseTest):
    """Each descriptor register written whole, then byte lane by byte lane (WSTRB patterns of
    cov.STROBES, the other lanes must keep their bytes) and read back; then a legal job."""

    async def body(self):
        master = self.bfms.axil
        problems = []
        for reg, mask in descriptor_masks().items():
            addr = int(REGS[reg])
            value = int(self.rng.integers(0, 2**32))
            await reg_write(self.reg_seqr, reg, value)
            for strb in cov.STROBES:
                new = int(self.rng.integers(0, 2**32)).to_bytes(4, "little")
                for lo, hi in lane_runs(strb):  # one write per run of adjacent lanes
                    await master.write(addr + lo, new[lo:hi])
                lanes = sum(0xFF << 8 * i for i in range(4) if strb >> i & 1)
                value = value & ~lanes | int.from_bytes(new, "little") & lanes
                cov.sample_strobe(strb)
                got = await reg_read(self.reg_seqr, reg)
                if got != value & mask:
                    problems.append(
                        f"{reg}: after WSTRB {strb:#06b} read {got:#x}, expected {value & mask:#x}"
                    )
        for p in problems[:10]:
            self.logger.error(p)
        assert not problems, f"{len(problems)} byte-lane problems, first: {problems[0]}"
        await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag="after_lanes")


@pyuvm.test()
class CorruptedPredictionMustFail(PncBaseTest):
    """Negative test of the scoreboard: one predicted element is flipped on purpose, so this
    test MUST FAIL (the pytest wrapper asserts that it does)."""

    corrupt_prediction = True

    async def body(self):
        await self.run_jobs(1, JobKnobs(stall="none", **SMALL), tag="corrupt")


@pyuvm.test()
class NightlySoakRandomJobs(PncBaseTest):
    """Long random soak (PNC_JOBS, default 300) incl. large jobs, errors and stalls
    (PNC_ROW_Q_SHARE of the legal ones per-row)."""

    async def body(self):
        def knobs(i):
            if i % 10 == 9:
                return JobKnobs(
                    illegal=ILLEGAL_KINDS[(i // 10) % len(ILLEGAL_KINDS)], dim_class="tiny"
                )
            return JobKnobs(max_m=64, max_n=64, max_k=160, row_q_share=share)

        share = row_q_share()
        await self.run_jobs(n_jobs(300), knobs, tag="soak")
