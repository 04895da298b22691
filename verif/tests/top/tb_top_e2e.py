"""End-to-end cocotb test of pnc_top: random jobs through AXI, bit-exact against the model.

Each job is built with ``panacea.memimage.Job``, laid out by ``pack_job`` into a cocotbext-axi
AxiRam, programmed through an AxiLiteMaster, started, and awaited on irq_o (with a cycle
timeout). Then every byte of the output regions is compared with ``expected_output`` (mismatches
reported with row, column, expected and actual) and the counters SWO_BUSY, DWO_BUSY, ACT_SKIP,
WT_SKIP, RD_BYTES, WR_BYTES and TILES with ``expected_counters`` (exact). An illegal-descriptor
case checks the error code, that the block does not hang, and that the next job is correct.
A UINT8_RLE job with N > 256 checks eager filler records (leading and trailing gaps longer than
RUN_MAX) in the written streams and their headers; a reset in the middle of a job must leave the
block idle, and the next job must be exact. The same job in each skip mode prints RTL cycles
next to ``panacea.cycles``' prediction.

Environment: PNC_E2E_JOBS (random jobs, default 12), COCOTB_RANDOM_SEED (stimulus seed).
"""
from __future__ import annotations

import dataclasses
import os

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiBus, AxiLiteBus, AxiLiteMaster, AxiRam
from panacea.config import ARCH, ERRORS, REGS
from panacea.cycles import mode_cycles
from panacea.memimage import (
    FMT_CODES,
    Job,
    align8,
    descriptor_error,
    expected_counters,
    expected_output,
    pack_job,
    region_layout,
    wbuf_fits,
    wbuf_slots,
)

from verif.common.clock_reset import reset_dut, sim_cycles, start_clock
from verif.common.seeding import make_rng, test_seed

MEM_SIZE = 1 << 20
EXACT_COUNTERS = ("SWO_BUSY", "DWO_BUSY", "ACT_SKIP", "WT_SKIP", "RD_BYTES", "WR_BYTES", "TILES")
ALL_COUNTERS = ("CYCLES", "SWO_BUSY", "DWO_BUSY", "STALL_MEM", "STALL_DWO", "STALL_OUT",
                "ACT_SKIP", "WT_SKIP", "RD_BYTES", "WR_BYTES", "TILES")
MODES = ("dense", "zero_skip", "aqs")


class Env:
    """DUT handles: clock, reset, AXI4-Lite master, AXI RAM."""

    def __init__(self, dut):
        self.dut = dut
        self.lite = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                                  reset_active_level=False)
        self.ram = AxiRam(AxiBus.from_prefix(dut, "m_axi"), dut.clk_i, dut.rst_ni,
                          reset_active_level=False, size=MEM_SIZE)
        self.log = dut._log
        self.rd_err_at: int | None = None  # a read beat at this address answers SLVERR
        read = self.ram.read_if._read

        async def read_or_err(address, length):
            if self.rd_err_at is not None and address <= self.rd_err_at < address + length:
                raise OSError(f"injected SLVERR at {address:#x}")  # AxiRam answers SLVERR
            return await read(address, length)

        self.ram.read_if._read = read_or_err

    async def wr(self, name: str, value: int) -> None:
        await self.lite.write_dword(int(REGS[name]), int(value) & 0xFFFFFFFF)

    async def rd(self, name: str) -> int:
        return int(await self.lite.read_dword(int(REGS[name])))

    async def run_regs(self, regs: dict[str, int], timeout_cycles: int) -> int:
        """Program the descriptor, start, wait for irq_o; return the cycles waited."""
        for name, val in regs.items():
            await self.wr(name, val)
        await self.wr("IRQ_EN", 1)
        await self.wr("CTRL", 1)
        n = 0
        while not int(self.dut.irq_o.value):
            await RisingEdge(self.dut.clk_i)
            n += 1
            if n > timeout_cycles:
                raise AssertionError(f"job did not finish within {timeout_cycles} cycles "
                                     f"(STATUS={await self.rd('STATUS'):#x})")
        await self.wr("IRQ_STATUS", 1)
        return n

    def load(self, img) -> None:
        for _, (addr, data) in img.regions.items():
            if data:
                self.ram.write(addr, data)

    def clear_outputs(self, job: Job) -> None:
        lay = region_layout(job)
        for name in ("out", "out_ho"):
            addr, size = lay[name]
            if size:
                self.ram.write(addr, bytes(size))


def describe(job: Job) -> str:
    fmt = {v: k for k, v in FMT_CODES.items()}[job.fmt_code]
    return (f"M{job.M} N{job.N} K{job.K} b{job.b} {job.mode} sbr{int(job.sbr)} "
            f"bias{int(job.bias is not None)} {fmt} z{job.z} r{job.r}")


def random_job(rng: np.random.Generator, mode: str | None = None, fmt: str | None = None,
               max_dim: int = 40) -> Job:
    m, n, k = (int(rng.integers(1, max_dim + 1)) for _ in range(3))
    b = int(rng.integers(3, 6))
    hl = 8 - b
    # Activations clustered around z so that HO slices repeat (the AQS case).
    z = int(rng.integers(0, 256))
    spread = int(rng.choice([2, 8, 40, 255]))
    x = np.clip(rng.normal(z, spread, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = rng.integers(-127, 128, size=(n, k))
    w = np.where(rng.random((n, k)) < rng.choice([0.0, 0.5, 0.9]), rng.integers(-15, 16, (n, k)),
                 w).astype(np.int8)
    r = min(z >> b, (1 << hl) - 1)
    mode = mode or str(rng.choice(MODES))
    fmt = fmt or str(rng.choice(list(FMT_CODES)))
    bias = rng.integers(-(1 << 20), 1 << 20, size=n).astype(np.int32) if rng.random() < 0.5 \
        else None
    out_b = int(rng.integers(3, 6))
    return Job(x=x, w=w, z=z, r=r, b=b, sbr=bool(rng.random() < 0.7), mode=mode, bias=bias,
               out_fmt=fmt, mult=int(rng.integers(1 << 28, 1 << 31)),
               shift=int(rng.integers(30, 40)), zo=int(rng.integers(0, 256)),
               out_r=int(rng.integers(0, 1 << (8 - out_b))), out_b=out_b)


def compare_output(job: Job, env: Env) -> list[str]:
    """Byte-exact comparison of the output regions; returns mismatch descriptions."""
    exp = expected_output(job)
    lay = region_layout(job)
    errs: list[str] = []
    np_ = align8(job.N)
    for name in ("out", "out_ho"):
        addr, size = lay[name]
        if not size:
            continue
        got = env.ram.read(addr, size)
        want = exp.regions[name]
        if got == want:
            continue
        diff = [i for i in range(size) if got[i] != want[i]]
        for i in diff[:12]:
            if name == "out" and job.fmt_code == FMT_CODES["int32"]:
                row, col = divmod(i // 4, np_)
                where = f"row {row} col {col} byte {i % 4}"
            elif name == "out" and job.fmt_code == FMT_CODES["uint8"]:
                row, col = divmod(i, np_)
                where = f"row {row} col {col}"
            else:
                where = f"offset {i}"
            errs.append(f"{name} {where}: expected {want[i]:#04x} actual {got[i]:#04x}")
        errs.append(f"{name}: {len(diff)} of {size} bytes differ")
    return errs


async def run_job(env: Env, job: Job, check_counters: bool = True) -> dict[str, int]:
    img = pack_job(job)
    env.load(img)
    env.clear_outputs(job)
    cyc_budget = 2000 + 40 * job.K * -(-job.M // 8) * -(-job.N // 8)
    await env.run_regs(img.regs, cyc_budget)
    status = await env.rd("STATUS")
    err = await env.rd("ERR_CODE")
    assert status & 2 and not status & 1, f"STATUS {status:#x} after irq"
    assert err == 0, f"{describe(job)}: ERR_CODE {err}"
    counters = {c: await env.rd(c) for c in ALL_COUNTERS}
    problems = compare_output(job, env)
    if check_counters:
        exp = expected_counters(job)
        for c in EXACT_COUNTERS:
            if counters[c] != exp[c]:
                problems.append(f"counter {c}: expected {exp[c]} actual {counters[c]}")
    if problems:
        raise AssertionError(f"{describe(job)}:\n  " + "\n  ".join(problems))
    return counters


async def setup(dut) -> Env:
    start_clock(dut)
    env = Env(dut)
    await reset_dut(dut)
    assert await env.rd("ID") == 0x504E4341
    params = await env.rd("PARAMS")
    assert params & 0xFF == int(ARCH.NUM_PEA), f"PARAMS {params:#x} vs arch.toml"
    return env


@cocotb.test()
async def e2e_random_jobs(dut):
    """Random small jobs over every skip mode, format, b, SBR and bias setting."""
    rng = make_rng("e2e_random_jobs", test_seed())
    env = await setup(dut)
    n_jobs = int(os.environ.get("PNC_E2E_JOBS", "12"))
    combos = [(m, f) for m in MODES for f in FMT_CODES]
    for i in range(n_jobs):
        mode, fmt = combos[i % len(combos)]
        job = random_job(rng, mode, fmt)
        dut._log.info("job %d: %s", i, describe(job))
        c = await run_job(env, job)
        dut._log.info("job %d ok: %d cycles, DWO %d, RD %d B, WR %d B", i, c["CYCLES"],
                      c["DWO_BUSY"], c["RD_BYTES"], c["WR_BYTES"])
    dut._log.info("%d random jobs passed (rerun: PNC_SEED=%s PNC_E2E_JOBS=%d pytest "
                  "verif/tests/test_rtl_top.py -k random)", n_jobs,
                  os.environ.get("COCOTB_RANDOM_SEED", "?"), n_jobs)


@cocotb.test()
async def e2e_illegal_descriptor(dut):
    """Illegal descriptors end with the right error code, no hang, and the next job is correct."""
    rng = make_rng("e2e_illegal_descriptor")
    env = await setup(dut)
    good = random_job(rng, "aqs", "uint8_rle", max_dim=20)
    base = pack_job(good).regs
    cases = {
        "BAD_DIM": {"K": 0},
        "BAD_DIM_MAX": {"M": int(ARCH.MAX_DIM) + 1},
        "BAD_MODE": {"MODE": base["MODE"] | 3},
        "BAD_LO_BITS": {"ACT_Q": (base["ACT_Q"] & ~0xF0000) | (6 << 16)},
        "BAD_R": {"ACT_Q": (base["ACT_Q"] & ~0xFFFF00) | (4 << 16) | (16 << 8)},
        "MISALIGNED": {"WT_HO_ADDR": base["WT_HO_ADDR"] + 4},
        "BAD_RQ": {"RQ_SHIFT": 0},
    }
    for name, patch in cases.items():
        regs = dict(base, **patch)
        want = descriptor_error(regs)
        await env.run_regs(regs, 200)
        err = await env.rd("ERR_CODE")
        status = await env.rd("STATUS")
        dut._log.info("%s: ERR_CODE %d (model %d), STATUS %#x", name, err, want, status)
        assert want != 0 and err == want, f"{name}: ERR_CODE {err}, model says {want}"
        assert status == 0b110, f"{name}: STATUS {status:#x}"
        assert await env.rd("RD_BYTES") == 0 and await env.rd("WR_BYTES") == 0
    await run_job(env, good)
    dut._log.info("job after illegal descriptors ok")


@cocotb.test()
async def e2e_stream_corrupt(dut):
    """A corrupt HO header aborts with STREAM_CORRUPT; the next job is correct."""
    rng = make_rng("e2e_stream_corrupt")
    env = await setup(dut)
    job = random_job(rng, "aqs", "int32", max_dim=24)
    img = pack_job(job)
    env.load(img)
    addr = img.regs["WT_HO_ADDR"]
    env.ram.write(addr + 4, (job.K + 1).to_bytes(4, "little"))  # n_vectors != K
    await env.run_regs(img.regs, 5000)
    err = await env.rd("ERR_CODE")
    assert err == int(ERRORS.STREAM_CORRUPT), f"ERR_CODE {err}"
    await run_job(env, random_job(rng, "zero_skip", "uint8", max_dim=24))
    dut._log.info("job after STREAM_CORRUPT ok")


def out_streams(job: Job) -> list[tuple[int, list[tuple[int, bytes]]]]:
    """The expected UINT8_RLE HO streams of ``job``: per m-block (n_records, [(run, payload)])."""
    exp = expected_output(job).regions["out_ho"]
    hl = 8 - job.out_b
    stride = align8(8 + job.N * (9 - job.out_b))
    blocks = []
    for j in range(-(-job.M // 8)):
        s = exp[j * stride:(j + 1) * stride]
        n_rec = int.from_bytes(s[0:4], "little")
        assert int.from_bytes(s[4:8], "little") == job.N
        recs = [(s[8 + i * (1 + hl)], bytes(s[9 + i * (1 + hl):8 + (i + 1) * (1 + hl)]))
                for i in range(n_rec)]
        blocks.append((n_rec, recs))
    return blocks


@cocotb.test()
async def e2e_rle_trailing_fillers(dut):
    """UINT8_RLE, N = 300 > RUN_MAX + 1: only the first 30 output channels can be live, so each
    m-block's stream ends with a gap of >= 270 skipped vectors; eager fillers put a record at its
    256th vector (counted in the header, WR_BYTES), and an m-block of rows x = z (Y = 0, all
    vectors skipped) gets a lone filler at position 255."""
    rng = make_rng("e2e_rle_trailing_fillers", test_seed())
    env = await setup(dut)
    run_max = (1 << int(ARCH.RUN_BITS)) - 1
    m, n, k, b, z, live_n = 14, 300, 24, 4, 100, 30
    x = np.clip(rng.normal(z, 20, size=(m, k)).round(), 0, 255).astype(np.uint8)
    x[8:] = z  # m-block 1: X - z = 0, Y = 0, y = zo in every column
    w = np.zeros((n, k), np.int8)
    w[:live_n] = rng.integers(-127, 128, size=(live_n, k))
    for out_b, mode in ((4, "aqs"), (3, "zero_skip")):
        zo = 128
        job = Job(x=x, w=w, z=z, r=z >> b, b=b, sbr=bool(rng.random() < 0.5), mode=mode,
                  out_fmt="uint8_rle", mult=1 << 30, shift=36, zo=zo, out_r=zo >> out_b,
                  out_b=out_b)
        blocks = out_streams(job)
        for j, (n_rec, recs) in enumerate(blocks):
            assert n_rec >= 1 and recs[-1][0] == run_max and not any(recs[-1][1]), \
                f"stimulus: m-block {j} stream does not end with a filler"
        assert blocks[1][0] == 1, "stimulus: m-block 1 should hold exactly one filler"
        dut._log.info("%s: n_records per m-block %s (last record a filler)", describe(job),
                      [nr for nr, _ in blocks])
        c = await run_job(env, job)
        dut._log.info("ok: %d cycles, WR %d B", c["CYCLES"], c["WR_BYTES"])


@cocotb.test()
async def e2e_reset_mid_job(dut):
    """rst_ni asserted early, mid-way and late in a job: the block comes back idle (STATUS 0,
    no irq, no AXI traffic), then a full legal job is exact (output and counters)."""
    rng = make_rng("e2e_reset_mid_job", test_seed())
    env = await setup(dut)
    for frac, fmt in ((0.1, "uint8_rle"), (0.5, "int32"), (0.9, "uint8_rle")):
        job = random_job(rng, "aqs", fmt, max_dim=32)
        img = pack_job(job)
        env.load(img)
        env.clear_outputs(job)
        for name, val in img.regs.items():
            await env.wr(name, val)
        await env.wr("IRQ_EN", 1)
        await env.wr("CTRL", 1)
        t0 = sim_cycles(dut)
        after = max(2, int(mode_cycles(job).cycles * frac))
        await ClockCycles(dut.clk_i, after)
        busy = await env.rd("STATUS")
        dut._log.info("reset %d cycles into %s (STATUS before %#x)", sim_cycles(dut) - t0,
                      describe(job), busy)
        await reset_dut(dut)
        await ClockCycles(dut.clk_i, 20)
        assert int(dut.irq_o.value) == 0, "irq_o high after reset"
        assert int(dut.m_axi_arvalid.value) == 0 and int(dut.m_axi_awvalid.value) == 0 \
            and int(dut.m_axi_wvalid.value) == 0, "AXI traffic after reset"
        status = await env.rd("STATUS")
        assert status == 0, f"STATUS {status:#x} after reset, expected 0 (idle)"
        nxt = random_job(rng, str(rng.choice(MODES)), fmt, max_dim=32)
        c = await run_job(env, nxt)
        dut._log.info("job after reset ok: %s, %d cycles", describe(nxt), c["CYCLES"])


@cocotb.test()
async def e2e_wbuf_fill_replay(dut):
    """Weight buffer (WBUF_BYTES of arch.toml): jobs with two slots (several m-blocks and an
    n-group with idle PEAs; MB = 1 over three n-groups, each prefetching the next), one slot
    (K above the two-slot limit, two n-groups: the second waits for the first's slot), and a K
    too large to fit (every group fetches its weights); output and counters (RD_BYTES counts
    AXI beats only) exact."""
    rng = make_rng("e2e_wbuf_fill_replay", test_seed())
    env = await setup(dut)
    cap, npea = int(ARCH.WBUF_BYTES), int(ARCH.NUM_PEA)
    one_k = (cap // 4 - 8) // 5 + 2  # 4 * align8(8 + 5K) > WBUF_BYTES: one slot
    big_k = (cap // 2 - 8) // 5 + 2  # 2 * align8(8 + 5K) > WBUF_BYTES: no fit
    for m, n, k, slots in ((24, 8 * npea + 12, 30, 2), (5, 20, 40, 2), (5, 16 * npea + 8, 30, 2),
                           (9, 8 * npea + 8, one_k, 1), (1, 8, big_k, 0)):
        x = np.clip(rng.normal(100, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
        # large K: weights 0..7 (no live HO vector in either slicing) keep Icarus runs short
        lo, hi = (-127, 128) if slots == 2 else (0, 8)
        w = rng.integers(lo, hi, (n, k)).astype(np.int8)
        job = Job(x=x, w=w, z=100, r=100 >> 4, b=4, sbr=bool(rng.random() < 0.5), mode="aqs",
                  out_fmt="int32", bias=rng.integers(-1000, 1000, n).astype(np.int32))
        assert wbuf_slots(k, job.sbr) == slots or not cap, "stimulus: fit rule"
        c = await run_job(env, job)
        dut._log.info("%s slots=%d: ok, %d cycles, RD %d B", describe(job),
                      wbuf_slots(k, job.sbr), c["CYCLES"], c["RD_BYTES"])


@cocotb.test()
async def e2e_rd_err_in_replay_group(dut):
    """SLVERR on the activation LO plane of the last m-block of a job whose weights fit (its
    group replays the weight buffers): AXI_RD_ERR, no hang, and the next fitting job (which
    fills and replays again) is exact."""
    rng = make_rng("e2e_rd_err_in_replay_group", test_seed())
    env = await setup(dut)
    m, n, k, b = 24, 40, 30, 4
    x = np.clip(rng.normal(100, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = rng.integers(-127, 128, (n, k)).astype(np.int8)
    job = Job(x=x, w=w, z=100, r=100 >> b, b=b, mode="aqs", out_fmt="int32")
    img = pack_job(job)
    env.load(img)
    env.rd_err_at = img.regs["ACT_LO_ADDR"] + 2 * align8(k * b)  # m-block 2, a replay group
    await env.run_regs(img.regs, 20000)
    env.rd_err_at = None
    err = await env.rd("ERR_CODE")
    assert err == int(ERRORS.AXI_RD_ERR), f"ERR_CODE {err}, expected AXI_RD_ERR"
    dut._log.info("AXI_RD_ERR in a replay group (fits=%s): ok", wbuf_fits(job))
    nxt = dataclasses.replace(job, w=rng.integers(-127, 128, (n, k)).astype(np.int8))
    c = await run_job(env, nxt)
    dut._log.info("job after the abort ok: %s, %d cycles, RD %d B", describe(nxt), c["CYCLES"],
                  c["RD_BYTES"])


@cocotb.test()
async def e2e_cycles_per_mode(dut):
    """One job in each skip mode: RTL cycles next to the cycle model's prediction."""
    rng = make_rng("e2e_cycles_per_mode")
    env = await setup(dut)
    m, n, k, b = 32, 40, 96, 4
    z = 100
    x = np.clip(rng.normal(z, 6, size=(m, k)).round(), 0, 255).astype(np.uint8)
    w = np.where(rng.random((n, k)) < 0.7, rng.integers(-15, 16, (n, k)),
                 rng.integers(-127, 128, (n, k))).astype(np.int8)
    base = Job(x=x, w=w, z=z, r=z >> b, b=b, out_fmt="uint8", mult=1 << 30, shift=38, zo=128)
    lines = []
    for mode in MODES:
        job = base.with_mode(mode)
        c = await run_job(env, job)
        pred = mode_cycles(job)
        lines.append(f"{mode:9s} M{m} N{n} K{k}: RTL {c['CYCLES']:6d} cycles, model "
                     f"{pred.cycles:6d} ({c['CYCLES'] / pred.cycles:.2f}x), DWO {c['DWO_BUSY']}, "
                     f"STALL mem/dwo/out {c['STALL_MEM']}/{c['STALL_DWO']}/{c['STALL_OUT']}")
    for line in lines:
        dut._log.info("%s", line)
    await ClockCycles(dut.clk_i, 2)


@cocotb.test()
async def e2e_cycles_layernorm(dut):
    """M64 N64 K128, layer-norm-like activation (most HO slices equal r), dense INT8 weights, in
    each skip mode: RTL cycles next to the model (exact counters; weight buffer per arch.toml)."""
    rng = make_rng("e2e_cycles_layernorm")
    env = await setup(dut)
    m, n, k, b, z = 64, 64, 128, 4, 104
    x = np.clip(rng.normal(z, 3, size=(m, k)).round(), 0, 255)
    out = rng.random((m, k)) < 0.01  # a few outliers, as after a layer norm
    x = np.where(out, rng.integers(0, 256, (m, k)), x).astype(np.uint8)
    w = rng.integers(-127, 128, (n, k)).astype(np.int8)
    base = Job(x=x, w=w, z=z, r=z >> b, b=b, out_fmt="uint8", mult=1 << 30, shift=40, zo=128)
    share = float(np.mean((x >> b) == (z >> b)))
    lines = []
    for mode in MODES:
        job = base.with_mode(mode)
        c = await run_job(env, job)
        pred = mode_cycles(job)
        lines.append(f"{mode:9s} M{m} N{n} K{k} r-share {share:.2f} WBUF_BYTES "
                     f"{int(ARCH.WBUF_BYTES)}: RTL {c['CYCLES']:6d} cycles, model "
                     f"{pred.cycles:6d} ({c['CYCLES'] / pred.cycles:.2f}x), RD {c['RD_BYTES']} B, "
                     f"DWO {c['DWO_BUSY']}, STALL mem/dwo/out "
                     f"{c['STALL_MEM']}/{c['STALL_DWO']}/{c['STALL_OUT']}")
    for line in lines:
        dut._log.info("%s", line)
    await ClockCycles(dut.clk_i, 2)
