"""End-to-end cocotb test of pnc_top: random jobs through AXI, bit-exact against the model.

Each job (``panacea.memimage.Job``) runs through the job BFM (:class:`verif.agents.job.JobBfm`:
``pack_job`` image into cocotbext-axi's AxiRam, descriptor through an AxiLiteMaster, start,
wait for irq_o, read back) and is checked with the testbench's one comparison
(:func:`verif.env.scoreboard.compare` against :func:`verif.env.predictor.expect`): every output
element and byte, every exactly predicted counter, CYCLES against the cycle model, and the AXI
traffic. An illegal-descriptor case checks the error code, that the block does not hang, and
that the next job is correct. A UINT8_RLE job with N > 256 checks eager filler records
(leading and trailing gaps longer than RUN_MAX) in the written streams and their headers; a
reset in the middle of a job must leave the block idle, and the next job must be exact. The
same job in each skip mode prints RTL cycles next to ``panacea.cycles``' prediction. Per-row
jobs (one z and r per row, from the row vector at ROWQ_ADDR) run in every skip mode and output
format.

Environment: PNC_E2E_JOBS (random jobs, default 12), COCOTB_RANDOM_SEED (stimulus seed).
"""

from __future__ import annotations

import dataclasses
import os

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles
from panacea.config import ARCH, ERRORS
from panacea.cycles import choose_mt, mode_cycles
from panacea.memimage import (
    BUS_BYTES,
    FMT_CODES,
    Job,
    MemImage,
    abuf_mt_max,
    align_bus,
    decode_descriptor,
    encode_descriptor,
    expected_output,
    pack_job,
    region_sizes,
    wbuf_fits,
    wbuf_slots,
)
from panacea.rle import decode_stream, pack_header, unpack_header

from verif.agents.job import JobBfm, describe_job, start_top
from verif.common.seeding import make_rng, test_seed
from verif.env.predictor import expect
from verif.env.scoreboard import compare
from verif.seq_lib.cycle_points import POINTS, make_job, point_id

MEM_SIZE = 1 << 20
MODES = ("dense", "zero_skip", "aqs")


def random_job(
    rng: np.random.Generator, mode: str | None = None, fmt: str | None = None, max_dim: int = 40
) -> Job:
    m, n, k = (int(rng.integers(1, max_dim + 1)) for _ in range(3))
    b = int(rng.integers(3, 6))
    hl = 8 - b
    # Activations clustered around z so that HO slices repeat (the AQS case).
    z = int(rng.integers(0, 256))
    spread = int(rng.choice([2, 8, 40, 255]))
    x = np.clip(rng.normal(z, spread, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = rng.integers(-127, 128, size=(n, k))
    w = np.where(
        rng.random((n, k)) < rng.choice([0.0, 0.5, 0.9]), rng.integers(-15, 16, (n, k)), w
    ).astype(np.int8)
    r = min(z >> b, (1 << hl) - 1)
    mode = mode or str(rng.choice(MODES))
    fmt = fmt or str(rng.choice(list(FMT_CODES)))
    bias = (
        rng.integers(-(1 << 20), 1 << 20, size=n).astype(np.int32) if rng.random() < 0.5 else None
    )
    out_b = int(rng.integers(3, 6))
    return with_random_mt(
        rng,
        Job(
            x=x,
            w=w,
            z=z,
            r=r,
            b=b,
            sbr=bool(rng.random() < 0.7),
            mode=mode,
            bias=bias,
            out_fmt=fmt,
            mult=int(rng.integers(1 << 28, 1 << 31)),
            shift=int(rng.integers(30, 40)),
            zo=int(rng.integers(0, 256)),
            out_r=int(rng.integers(0, 1 << (8 - out_b))),
            out_b=out_b,
        ),
    )


def with_random_mt(rng: np.random.Generator, job: Job) -> Job:
    """``job`` with a random m-tile: 0 (no activation buffer), a partial m-tile that fits, or
    one m-tile of every m-block (mt >= MB), each about a third of the time when they fit."""
    hi = abuf_mt_max(job.M, job.K, int(job.b), job.per_row)
    mb = -(-job.M // 8)
    choice = [0]
    if hi:
        choice.append(
            int(rng.integers(1, hi + 1)) if hi < mb or mb == 1 else int(rng.integers(1, mb))
        )
    if hi == mb:
        choice.append(int(rng.choice([mb, int(rng.integers(mb, 1 << 16))])))
    return dataclasses.replace(job, mt=int(rng.choice(choice)))


async def run_job(
    bfm: JobBfm,
    job: Job,
    image: MemImage | None = None,
    regs: dict[str, int] | None = None,
    err_windows: tuple[tuple[int, int, str], ...] = (),
    tampered: tuple[str, ...] = (),
) -> dict[str, int]:
    """Run ``job`` (optionally with a tampered ``image`` whose ``tampered`` regions were
    changed, other ``regs`` or SLVERR ``err_windows``), check it with :func:`compare` and
    return the counter registers."""
    obs = await bfm.run(job, image=image, regs=regs, err_windows=err_windows)
    exp = expect(job, regs=regs, image=image, err_windows=err_windows, tampered=tampered)
    mismatches, _ = compare(exp, obs)
    if mismatches:
        raise AssertionError(f"{describe_job(job)}:\n  " + "\n  ".join(map(str, mismatches)))
    return obs.counters


async def setup(dut) -> JobBfm:
    return await start_top(dut, MEM_SIZE, model="cocotbext")


@cocotb.test()
async def e2e_random_jobs(dut):
    """Random small jobs over every skip mode, format, b, SBR and bias setting."""
    rng = make_rng("e2e_random_jobs", test_seed())
    bfm = await setup(dut)
    n_jobs = int(os.environ.get("PNC_E2E_JOBS", "12"))
    combos = [(m, f) for m in MODES for f in FMT_CODES]
    for i in range(n_jobs):
        mode, fmt = combos[i % len(combos)]
        job = random_job(rng, mode, fmt)
        dut._log.info("job %d: %s", i, describe_job(job))
        c = await run_job(bfm, job)
        dut._log.info(
            "job %d ok: %d cycles, DWO %d, RD %d B, WR %d B",
            i,
            c["CYCLES"],
            c["DWO_BUSY"],
            c["RD_BYTES"],
            c["WR_BYTES"],
        )
    dut._log.info(
        "%d random jobs passed (rerun: PNC_SEED=%s PNC_E2E_JOBS=%d pytest "
        "verif/tests/test_rtl_top.py -k random)",
        n_jobs,
        os.environ.get("COCOTB_RANDOM_SEED", "?"),
        n_jobs,
    )


@cocotb.test()
async def e2e_illegal_descriptor(dut):
    """Illegal descriptors end with the right error code, no hang and no AXI traffic, and the
    next job is correct."""
    rng = make_rng("e2e_illegal_descriptor")
    bfm = await setup(dut)
    good = random_job(rng, "aqs", "uint8_rle", max_dim=20)
    base = pack_job(good).regs
    wt_ho = base["WT_HO_ADDR"]
    cases = {
        "BAD_DIM": {"K": 0},
        "BAD_DIM_MAX": {"M": int(ARCH.MAX_DIM) + 1},
        "BAD_MODE": {"skip": 3},
        "BAD_LO_BITS": {"b": 6},
        "BAD_R": {"b": 4, "r": 16},
        "MISALIGNED": {"wt_ho_addr": wt_ho + 4},
        "BAD_RQ": {"shift": 0},
    }
    for name, fields in cases.items():
        regs = encode_descriptor(fields, base)
        exp = expect(good, regs=regs)
        assert not exp.legal, f"{name}: the model accepts this descriptor"
        c = await run_job(bfm, good, regs=regs)
        dut._log.info("%s: ERR_CODE %d as the model says", name, exp.err)
        assert c["RD_BYTES"] == 0 and c["WR_BYTES"] == 0, f"{name}: AXI traffic {c}"
    await run_job(bfm, good)
    dut._log.info("job after illegal descriptors ok")


@cocotb.test()
async def e2e_stream_corrupt(dut):
    """A corrupt HO header aborts with STREAM_CORRUPT; the next job is correct."""
    rng = make_rng("e2e_stream_corrupt")
    bfm = await setup(dut)
    job = random_job(rng, "aqs", "int32", max_dim=24)
    img = pack_job(job)
    addr, data = img.regions["wt_ho"]
    n_rec, _ = unpack_header(data)
    bad = MemImage(
        regions=dict(img.regions, wt_ho=(addr, pack_header(n_rec, job.K + 1) + data[8:])),
        regs=img.regs,
    )
    assert expect(job, image=bad, tampered=("wt_ho",)).err == int(ERRORS.STREAM_CORRUPT)
    await run_job(bfm, job, image=bad, tampered=("wt_ho",))  # n_vectors != K
    await run_job(bfm, random_job(rng, "zero_skip", "uint8", max_dim=24))
    dut._log.info("job after STREAM_CORRUPT ok")


def out_streams(job: Job) -> list[tuple[int, int, bool]]:
    """The expected UINT8_RLE HO streams of ``job``, per m-block: (n_records, run of the last
    record, whether its payload is all zero), decoded with the model's ``decode_stream``."""
    exp = expected_output(job).regions["out_ho"]
    nblk = -(-job.M // 8)
    stride = region_sizes(job)["out_ho"] // nblk
    blocks = []
    for j in range(nblk):
        d = decode_stream(exp[j * stride : (j + 1) * stride], job.N, 8 - job.out_b)
        pos = np.flatnonzero(d.live)
        run = int(pos[-1] - (pos[-2] if pos.size > 1 else -1) - 1) if pos.size else -1
        blocks.append((d.n_records, run, bool(pos.size) and not d.payload[pos[-1]].any()))
    return blocks


@cocotb.test()
async def e2e_rle_trailing_fillers(dut):
    """UINT8_RLE, N = 300 > RUN_MAX + 1: only the first 30 output channels can be live, so each
    m-block's stream ends with a gap of >= 270 skipped vectors; eager fillers put a record at its
    256th vector (counted in the header, WR_BYTES), and an m-block of rows x = z (Y = 0, all
    vectors skipped) gets a lone filler at position 255."""
    rng = make_rng("e2e_rle_trailing_fillers", test_seed())
    bfm = await setup(dut)
    run_max = (1 << int(ARCH.RUN_BITS)) - 1
    m, n, k, b, z, live_n = 14, 300, 24, 4, 100, 30
    x = np.clip(rng.normal(z, 20, size=(m, k)).round(), 0, 255).astype(np.uint8)
    x[8:] = z  # m-block 1: X - z = 0, Y = 0, y = zo in every column
    w = np.zeros((n, k), np.int8)
    w[:live_n] = rng.integers(-127, 128, size=(live_n, k))
    for out_b, mode in ((4, "aqs"), (3, "zero_skip")):
        zo = 128
        job = Job(
            x=x,
            w=w,
            z=z,
            r=z >> b,
            b=b,
            sbr=bool(rng.random() < 0.5),
            mode=mode,
            out_fmt="uint8_rle",
            mult=1 << 30,
            shift=36,
            zo=zo,
            out_r=zo >> out_b,
            out_b=out_b,
        )
        blocks = out_streams(job)
        for j, (n_rec, run, zero) in enumerate(blocks):
            assert n_rec >= 1 and run == run_max and zero, (
                f"stimulus: m-block {j} stream does not end with a filler"
            )
        assert blocks[1][0] == 1, "stimulus: m-block 1 should hold exactly one filler"
        dut._log.info(
            "%s: n_records per m-block %s (last record a filler)",
            describe_job(job),
            [nr for nr, _, _ in blocks],
        )
        c = await run_job(bfm, job)
        dut._log.info("ok: %d cycles, WR %d B", c["CYCLES"], c["WR_BYTES"])


@cocotb.test()
async def e2e_reset_mid_job(dut):
    """rst_ni asserted early, mid-way and late in a job: the block comes back idle (STATUS 0,
    no irq, no AXI traffic), then a full legal job is exact (output and counters)."""
    rng = make_rng("e2e_reset_mid_job", test_seed())
    bfm = await setup(dut)
    for frac, fmt in ((0.1, "uint8_rle"), (0.5, "int32"), (0.9, "uint8_rle")):
        job = random_job(rng, "aqs", fmt, max_dim=32)
        after = max(2, int(mode_cycles(job).cycles * frac))
        obs = await bfm.run(job, reset_after=after)
        dut._log.info("reset %d cycles into %s", after, describe_job(job))
        assert obs.aborted
        await ClockCycles(dut.clk_i, 20)
        assert int(dut.irq_o.value) == 0, "irq_o high after reset"
        assert (
            int(dut.m_axi_arvalid.value) == 0
            and int(dut.m_axi_awvalid.value) == 0
            and int(dut.m_axi_wvalid.value) == 0
        ), "AXI traffic after reset"
        status = (await bfm.regs.access([("rd", "STATUS", 0)]))["STATUS"]
        assert status == 0, f"STATUS {status:#x} after reset, expected 0 (idle)"
        nxt = random_job(rng, str(rng.choice(MODES)), fmt, max_dim=32)
        c = await run_job(bfm, nxt)
        dut._log.info("job after reset ok: %s, %d cycles", describe_job(nxt), c["CYCLES"])


@cocotb.test()
async def e2e_wbuf_fill_replay(dut):
    """Weight buffer (WBUF_BYTES of arch.toml): jobs with two slots (several m-blocks and an
    n-group with idle PEAs; MB = 1 over three n-groups, each prefetching the next), one slot
    (K above the two-slot limit, two n-groups: the second's units refill the slot behind the
    first n-group's last group; with MB = 2 and MB = 1), and a K too large to fit (every group
    fetches its weights); output and counters (RD_BYTES counts AXI beats only) exact."""
    rng = make_rng("e2e_wbuf_fill_replay", test_seed())
    bfm = await setup(dut)
    cap, npea = int(ARCH.WBUF_BYTES), int(ARCH.NUM_PEA)
    one_k = (cap // 4 - 8) // 5 + 2  # 4 * align_bus(8 + 5K) > WBUF_BYTES: one slot
    big_k = (cap // 2 - 8) // 5 + 2  # 2 * align_bus(8 + 5K) > WBUF_BYTES: no fit
    for m, n, k, slots in (
        (24, 8 * npea + 12, 30, 2),
        (5, 20, 40, 2),
        (5, 16 * npea + 8, 30, 2),
        (9, 8 * npea + 8, one_k, 1),
        (1, 8 * npea + 8, one_k, 1),
        (1, 8, big_k, 0),
    ):
        x = np.clip(rng.normal(100, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
        # large K: weights 0..7 (no live HO vector in either slicing) keep Icarus runs short
        lo, hi = (-127, 128) if slots == 2 else (0, 8)
        w = rng.integers(lo, hi, (n, k)).astype(np.int8)
        job = Job(
            x=x,
            w=w,
            z=100,
            r=100 >> 4,
            b=4,
            sbr=bool(rng.random() < 0.5),
            mode="aqs",
            out_fmt="int32",
            bias=rng.integers(-1000, 1000, n).astype(np.int32),
        )
        assert wbuf_slots(k, job.sbr) == slots or not cap, "stimulus: fit rule"
        c = await run_job(bfm, job)
        dut._log.info(
            "%s slots=%d: ok, %d cycles, RD %d B",
            describe_job(job),
            wbuf_slots(k, job.sbr),
            c["CYCLES"],
            c["RD_BYTES"],
        )


@cocotb.test()
async def e2e_abuf_mtiles(dut):
    """Activation buffer (ABUF_BYTES of arch.toml) and the m-tile loop: jobs over several
    n-groups with mt = 0, partial m-tiles (the last one shorter), one whole m-tile and
    mt >= MB, with and without row_q and a fitting weight buffer (a weight unit per n-group of
    every m-tile, the next n-group's prefetched); output and counters exact, RD_BYTES with each
    activation stream read once when mt > 0."""
    rng = make_rng("e2e_abuf_mtiles", test_seed())
    bfm = await setup(dut)
    npea = int(ARCH.NUM_PEA)
    for m, n, k, mts, per_row in (
        (40, 8 * npea + 12, 24, (0, 2, 3, 5, 9), False),
        (33, 16 * npea, 20, (1, 4, 100), True),
        (17, 8 * npea + 8, 60, (2,), False),
    ):
        x = np.clip(rng.normal(100, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
        w = rng.integers(-127, 128, (n, k)).astype(np.int8)
        z: int | np.ndarray = 100
        r: int | np.ndarray = 100 >> 4
        if per_row:
            z = rng.integers(90, 110, m)
            r = z >> 4
        base = Job(
            x=x,
            w=w,
            z=z,
            r=r,
            b=4,
            sbr=True,
            mode="aqs",
            out_fmt="uint8_rle",
            mult=1 << 30,
            shift=40,
            bias=rng.integers(-1000, 1000, n).astype(np.int32),
        )
        rd0 = None
        for mt in mts:
            job = dataclasses.replace(base, mt=mt)
            c = await run_job(bfm, job)
            rd0 = c["RD_BYTES"] if mt == 0 else rd0
            model = mode_cycles(job).cycles
            dut._log.info(
                "%s: ok, %d cycles (model %d, %+.1f %%), RD %d B%s",
                describe_job(job),
                c["CYCLES"],
                model,
                100.0 * (c["CYCLES"] - model) / model,
                c["RD_BYTES"],
                f" (mt=0: {rd0} B)" if rd0 and mt else "",
            )


@cocotb.test()
async def e2e_rd_err_in_replay_group(dut):
    """SLVERR on the activation LO plane of the last m-block of a job whose weights fit (its
    group replays the weight buffers): AXI_RD_ERR, no hang, and the next fitting job (which
    fills and replays again) is exact."""
    rng = make_rng("e2e_rd_err_in_replay_group", test_seed())
    bfm = await setup(dut)
    m, n, k, b = 24, 40, 30, 4
    x = np.clip(rng.normal(100, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = rng.integers(-127, 128, (n, k)).astype(np.int8)
    job = Job(x=x, w=w, z=100, r=100 >> b, b=b, mode="aqs", out_fmt="int32")
    at = pack_job(job).regs["ACT_LO_ADDR"] + 2 * align_bus(k * b)  # m-block 2, a replay group
    window = ((at, at + BUS_BYTES, "rd"),)
    assert expect(job, err_windows=window).err == int(ERRORS.AXI_RD_ERR)
    await run_job(bfm, job, err_windows=window)
    dut._log.info("AXI_RD_ERR in a replay group (fits=%s): ok", wbuf_fits(job))
    nxt = dataclasses.replace(job, w=rng.integers(-127, 128, (n, k)).astype(np.int8))
    c = await run_job(bfm, nxt)
    dut._log.info(
        "job after the abort ok: %s, %d cycles, RD %d B",
        describe_job(nxt),
        c["CYCLES"],
        c["RD_BYTES"],
    )


def per_row_job(rng: np.random.Generator, mode: str, fmt: str, max_dim: int = 40) -> Job:
    """A random job (:func:`random_job`) with one z and r per row: each row centred on its own
    zero point, r = z >> b (the host's rule) or an extreme (0, r_max), z at 0 and 255 on some
    rows, and sometimes a block of 8 rows sharing one z and r."""
    job = random_job(rng, mode, fmt, max_dim)
    m, k, b = job.M, job.K, job.b
    z = rng.integers(0, 256, m)
    z[rng.random(m) < 0.2] = rng.choice([0, 255])
    if rng.random() < 0.3:
        z = np.repeat(z[::8], 8)[:m]  # per block of 8 rows
    r = z >> b
    extreme = rng.random(m) < 0.15
    r[extreme] = rng.choice([0, (1 << (8 - b)) - 1], int(extreme.sum()))
    spread = int(rng.choice([2, 8, 40]))
    x = np.clip(z[:, None] + rng.normal(0, spread, (m, k)).round(), 0, 255).astype(np.uint8)
    return dataclasses.replace(job, x=x, z=z.astype(np.int64), r=r.astype(np.int64))


@cocotb.test()
async def e2e_per_row_jobs(dut):
    """Per-row z and r (MODE.row_q, the row vector at ROWQ_ADDR) in every skip mode and output
    format, with several m-blocks and n-groups; then a per-tensor job (the row path must not
    leak into it), all exact (output, counters, traffic) with CYCLES within the model's
    tolerance."""
    rng = make_rng("e2e_per_row_jobs", test_seed())
    bfm = await setup(dut)
    n_jobs = int(os.environ.get("PNC_E2E_JOBS", "12"))
    combos = [(m, f) for m in MODES for f in FMT_CODES]
    for i in range(max(n_jobs, len(MODES))):
        mode, fmt = combos[i % len(combos)]
        job = per_row_job(rng, mode, fmt)
        assert decode_descriptor(pack_job(job).regs)["row_q"] == 1, "stimulus: row_q"
        c = await run_job(bfm, job)
        dut._log.info(
            "per-row job %d ok: %s, %d cycles (model %d), RD %d B",
            i,
            describe_job(job),
            c["CYCLES"],
            mode_cycles(job).cycles,
            c["RD_BYTES"],
        )
    c = await run_job(bfm, random_job(rng, "aqs", "int32"))
    dut._log.info("per-tensor job after per-row jobs ok: %d cycles", c["CYCLES"])


async def cycles_report(dut, bfm: JobBfm, base: Job, note: str) -> None:
    """Run ``base`` in each skip mode (each checked) and log RTL cycles next to the model."""
    lines = []
    for mode in MODES:
        job = base.with_mode(mode)
        c = await run_job(bfm, job)
        pred = mode_cycles(job)
        lines.append(
            f"{mode:9s} M{job.M} N{job.N} K{job.K}{note}: RTL {c['CYCLES']:6d} cycles, model "
            f"{pred.cycles:6d} ({c['CYCLES'] / pred.cycles:.2f}x), RD {c['RD_BYTES']} B, "
            f"DWO {c['DWO_BUSY']}, STALL mem/dwo/out "
            f"{c['STALL_MEM']}/{c['STALL_DWO']}/{c['STALL_OUT']}"
        )
    for line in lines:
        dut._log.info("%s", line)
    await ClockCycles(dut.clk_i, 2)


@cocotb.test()
async def e2e_cycles_per_mode(dut):
    """One job in each skip mode: RTL cycles next to the cycle model's prediction."""
    rng = make_rng("e2e_cycles_per_mode")
    bfm = await setup(dut)
    m, n, k, b = 32, 40, 96, 4
    z = 100
    x = np.clip(rng.normal(z, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = np.where(
        rng.random((n, k)) < 0.7, rng.integers(-15, 16, (n, k)), rng.integers(-127, 128, (n, k))
    ).astype(np.int8)
    base = Job(x=x, w=w, z=z, r=z >> b, b=b, out_fmt="uint8", mult=1 << 30, shift=38, zo=128)
    await cycles_report(dut, bfm, base, "")


@cocotb.test()
async def e2e_cycles_layernorm(dut):
    """M64 N64 K128, layer-norm-like activation (most HO slices equal r), dense INT8 weights, in
    each skip mode: RTL cycles next to the model (exact counters; weight buffer per arch.toml);
    then the same job with z and r given per row (the same values on every row), and with the
    activation buffer (the host's m-tile)."""
    rng = make_rng("e2e_cycles_layernorm")
    bfm = await setup(dut)
    m, n, k, b, z = 64, 64, 128, 4, 104
    x = np.clip(rng.normal(z, 3, size=(m, k)).round(), 0, 255)
    out = rng.random((m, k)) < 0.01  # a few outliers, as after a layer norm
    x = np.where(out, rng.integers(0, 256, (m, k)), x).astype(np.uint8)
    w = rng.integers(-127, 128, (n, k)).astype(np.int8)
    base = Job(x=x, w=w, z=z, r=z >> b, b=b, out_fmt="uint8", mult=1 << 30, shift=40, zo=128)
    share = float(np.mean((x >> b) == (z >> b)))
    await cycles_report(dut, bfm, base, f" r-share {share:.2f} WBUF_BYTES {int(ARCH.WBUF_BYTES)}")
    # the same job with its z and r given per row: the cost of reading the row vector
    rows = dataclasses.replace(base, z=np.full(m, z, np.int64), r=np.full(m, z >> b, np.int64))
    await cycles_report(dut, bfm, rows, " per row")
    # the same job with the activation buffer: the host's m-tile (else the largest that fits)
    mt = choose_mt(base) or abuf_mt_max(m, k, b, False)
    await cycles_report(dut, bfm, dataclasses.replace(base, mt=mt), f" mt {mt}")


@cocotb.test()
async def e2e_cycle_points(dut):
    """The pinned cycle points of the selected configuration (``verif.seq_lib.cycle_points``):
    each job bit-exact with exact counters and CYCLES within the cycle-model tolerance
    (:func:`run_job`); logs RTL, pinned and model cycles and the worst |RTL - model| / model."""
    from panacea.config import CONFIG_NAME

    points = POINTS.get(CONFIG_NAME)
    assert points, f"no cycle points pinned for configuration {CONFIG_NAME}"
    bfm = await setup(dut)
    worst = (0.0, "")
    moved = []
    for spec, pinned in points:
        job = make_job(*spec)
        c = await run_job(bfm, job)
        model = mode_cycles(job).cycles
        err = abs(c["CYCLES"] - model) / model
        worst = max(worst, (err, point_id(spec)))
        if c["CYCLES"] != pinned:
            moved.append(f"{point_id(spec)}: {pinned} -> {c['CYCLES']}")
        dut._log.info(
            "point %s: RTL %d cycles (pinned %d), model %d, |RTL - model| / model %.1f%%",
            point_id(spec), c["CYCLES"], pinned, model, 100 * err,
        )  # fmt: skip
    dut._log.info(
        "%s: %d points, worst |RTL - model| / model %.1f%% (%s)",
        CONFIG_NAME, len(points), 100 * worst[0], worst[1],
    )  # fmt: skip
    if moved:  # the RTL's timing changed: re-pin (the model checks use the pinned values)
        dut._log.warning("RTL cycles differ from the pinned points: %s", "; ".join(moved))
