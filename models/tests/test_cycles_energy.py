"""Cycle model sanity and hand checks; energy formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.config import ARCH, CONFIG_NAME, CYCLE, ENERGY
from panacea.cycles import cycle_model, mode_cycles
from panacea.energy import RD_FIFO_BYTES, energy_from_counters, sram_word_pj
from panacea.memimage import Job


@pytest.mark.parametrize(("m", "n", "k"), [(8, 8, 16), (20, 70, 200), (64, 40, 1000)])
def test_fully_skippable_orders_modes(m: int, n: int, k: int) -> None:
    x = np.full((m, k), 0x95, np.uint8)  # xh = 9 everywhere (b = 4)
    w = np.random.default_rng(0).integers(-16, 16, (n, k)).astype(np.int8)  # SBR wh = 0
    rep = cycle_model(Job(x=x, w=w, z=150, r=9, b=4, sbr=True))
    d, zs, a = (rep.per_mode[md] for md in ("DENSE", "ZERO_SKIP", "AQS"))
    assert a.cycles <= zs.cycles <= d.cycles
    # Eager filler records (one per 256 skipped vectors) are the only DWO work left in AQS.
    assert (a.dwo_products == 0) == (k <= 255)
    assert a.dwo_products < zs.dwo_products < d.dwo_products
    assert a.counters["RD_BYTES"] < zs.counters["RD_BYTES"] == d.counters["RD_BYTES"]
    for mc in (d, zs, a):
        assert mc.lower_limit <= mc.cycles and mc.limit_ratio >= 1.0


@settings(max_examples=30, deadline=None)
@given(
    m=st.integers(1, 40), n=st.integers(1, 70), k=st.integers(1, 80), seed=st.integers(0, 2**32 - 1)
)
def test_lower_limit_below_cycles(m: int, n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    rep = cycle_model(Job(x=x, w=w, z=int(x[0, 0]), r=int(x[0, 0]) >> 4))
    for mc in rep.per_mode.values():
        assert mc.operator_limit <= mc.lower_limit <= mc.cycles
        assert mc.compulsory_rd_bytes <= mc.axi_rd_bytes == mc.counters["RD_BYTES"]
        assert mc.compulsory_wr_bytes == mc.axi_wr_bytes == mc.counters["WR_BYTES"]
        assert mc.swo_products == mc.counters["SWO_BUSY"]
        assert mc.dwo_products == mc.counters["DWO_BUSY"]
        assert mc.group_cycles.shape == (-(-n // (8 * int(ARCH.NUM_PEA))), -(-m // 8))
        assert (mc.group_cycles > 0).all()
        assert mc.cycles >= int(CYCLE.JOB_START) + int(mc.group_cycles.sum()) + int(CYCLE.JOB_END)
    assert rep.per_mode["DENSE"].dwo_products >= rep.per_mode["ZERO_SKIP"].dwo_products


def test_single_tile_by_hand() -> None:
    """One tile, one PEA, AQS: the recurrence of architecture.md section 6 step by step."""
    k = 16
    x = np.full((8, k), 0x95, np.uint8)  # every activation vector skipped (xh = r = 9)
    w = np.zeros((8, k), np.int8)
    w[:, 0] = 64  # one live weight HO vector (wh = 4) at k = 0
    mc = mode_cycles(Job(x=x, w=w, z=0, r=9, b=4, mode="aqs"))
    bus = int(ARCH.AXI_DATA_W) // 8
    alo, wlo = k * 4 // bus, k * 5 // bus  # LO planes, fully prefetched
    assert alo <= 2 * int(ARCH.AXI_MAX_BURST) and wlo <= 2 * int(ARCH.AXI_MAX_BURST)
    # LO planes and HO headers have arrived; the first record is requested as the header
    # arrives and follows (the model does not add it to the start)
    s = (alo + 1) + (wlo + 1) + int(CYCLE.RD_LATENCY)
    e = s + k - 1  # SWO: one step per cycle
    f = e + 1 + 1  # the last-step marker: 1 DWO cycle
    drain = 8 * max(32 // bus, int(CYCLE.WRITE_CMD_CYCLES)) + int(CYCLE.TILE_DRAIN)
    assert mc.dwo_products == 1
    assert mc.cycles == int(CYCLE.JOB_START) + f + drain + int(CYCLE.JOB_END)
    assert mc.group_cycles.tolist() == [[e]]
    assert mc.bound == "swo"
    assert mc.operator_limit == k / int(ARCH.NUM_PEA)
    # Roofline: act LO 64 B + act HO 8 B (header, no record) + wt LO 80 B + wt HO 13 B (header,
    # one record), each read once as whole beats; 8 x 8 INT32 outputs written once.
    rd = bus * (-(-64 // bus) + -(-8 // bus) + -(-80 // bus) + -(-13 // bus))
    assert (mc.compulsory_rd_bytes, mc.compulsory_wr_bytes) == (rd, 256)
    assert mc.memory_limit == max(rd, 256) / bus
    assert mc.lower_limit == max(mc.memory_limit, mc.operator_limit)
    assert mc.limit_term == "memory"  # 256 B of output take 32 cycles on a 64-bit port
    assert mc.axi_bytes == mc.compulsory_bytes and mc.axi_ratio == 1.0  # one tile: all once


def test_energy_formula() -> None:
    c = {"SWO_BUSY": 10, "DWO_BUSY": 4, "TILES": 2, "RD_BYTES": 96, "WR_BYTES": 32}
    e = energy_from_counters(c)
    fifo = sram_word_pj(RD_FIFO_BYTES, "read") + sram_word_pj(RD_FIFO_BYTES, "write")
    compute = (
        64 * 10 * ENERGY.MUL_LL_PJ
        + 64 * 4 * ENERGY.MUL_HO_PJ
        + 64 * 16 * ENERGY.ACC_ADD_PJ
        + 8 * 10 * ENERGY.CS_ADD_PJ
    )
    want = compute + 12 * fifo + 128 * ENERGY.DRAM_BYTE_PJ  # 12 words read through a FIFO
    assert e.total_pj == pytest.approx(want)
    assert sum(e.breakdown_pj.values()) == pytest.approx(e.total_pj)
    assert e.by_kind_pj == pytest.approx(
        {"dram": 128 * ENERGY.DRAM_BYTE_PJ, "sram": 12 * fifo, "compute": compute}
    )
    more = energy_from_counters({**c, "DWO_BUSY": 5})
    assert more.total_pj > e.total_pj
    with pytest.raises(ValueError, match="DWO_BUSY"):
        energy_from_counters({"SWO_BUSY": 1})


def test_wbuf_single_pea_by_hand() -> None:
    """MB = 2, one PEA: m-block 0 fetches the weights, m-block 1 only the activation streams;
    both play the weights from the buffer (one slot with cap = 2 x the larger stream)."""
    k = 16
    x = np.full((16, k), 0x95, np.uint8)
    w = np.zeros((8, k), np.int8)
    w[:, 0] = 64  # one live weight HO vector
    job = Job(x=x, w=w, z=0, r=9, b=4, mode="aqs")
    bus = int(ARCH.AXI_DATA_W) // 8
    cap = 2 * max(8 * ((k * 5 + 7) // 8), 8 * ((8 + k * 5 + 7) // 8))  # 2 x 88: one slot
    cap = -(-cap // 32) * 32
    act = int(np.ceil(k * 4 / bus)) + int(np.ceil(8 / bus))
    wt = int(np.ceil(k * 5 / bus)) + int(np.ceil((8 + 5) / bus))
    off, on = mode_cycles(job, wbuf_bytes=0), mode_cycles(job, wbuf_bytes=cap)
    assert off.group_cycles.shape == on.group_cycles.shape == (1, 2)
    assert on.group_cycles[0, 0] == off.group_cycles[0, 0]  # m-block 0 fills the buffer
    assert on.cycles <= off.cycles
    assert on.counters["RD_BYTES"] == (2 * act + wt) * bus
    assert on.counters["WBUF_RD_BYTES"] == 2 * wt * bus  # played in both m-blocks
    assert mode_cycles(job, wbuf_bytes=cap - 32).cycles == off.cycles


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 40),
    n=st.integers(1, 70),
    k=st.integers(1, 80),
    cap=st.sampled_from((32, 256, 512, 1024, 4096)),
    seed=st.integers(0, 2**32 - 1),
)
def test_wbuf_never_slower_and_saves_energy(m: int, n: int, k: int, cap: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    job = Job(x=x, w=w, z=int(x[0, 0]), r=int(x[0, 0]) >> 4)
    off, on = cycle_model(job, wbuf_bytes=0), cycle_model(job, wbuf_bytes=cap)
    for md in off.per_mode:
        a, b = off.per_mode[md], on.per_mode[md]
        # A playing buffer moves one word per cycle per stream, so a group can be a little
        # slower than fetching over AXI (whose LO planes are prefetched), never much.
        assert b.cycles <= a.cycles * (1 + float(CYCLE.CYCLE_TOL)) + int(CYCLE.CYCLE_SLACK)
        assert b.lower_limit == a.lower_limit <= b.cycles
        ca, cb = a.counters, b.counters
        mb = -(-m // 8)
        played = cb["WBUF_RD_BYTES"]
        assert played % mb == 0
        assert cb["RD_BYTES"] + played - played // mb == ca["RD_BYTES"]
        ea, eb = energy_from_counters(ca).total_pj, energy_from_counters(cb).total_pj
        # Each m-block after the first trades a DRAM fetch for a buffer read.
        assert eb < ea if played and mb > 1 else eb >= ea


@pytest.mark.skipif(
    CONFIG_NAME != "default", reason="a 64-column layer fills the default build's 4 PEAs"
)
def test_wbuf_reveals_skip_speedup() -> None:
    """A memory-bound layer: without the buffer the skip modes barely help; with it AQS is
    clearly faster than DENSE (the reason for the buffer)."""
    rng = np.random.default_rng(7)
    m, n, k = 64, 64, 256
    x = (0x90 + rng.integers(0, 16, (m, k))).astype(np.uint8)  # xh = 9: AQS skips all of them
    x[:, rng.random(k) < 0.05] = rng.integers(0, 256, (m, 1)).astype(np.uint8)
    w = np.clip(rng.normal(0, 12, (n, k)), -128, 127).astype(np.int8)
    job = Job(x=x, w=w, z=150, r=9, b=4, sbr=True)
    off, on = cycle_model(job, wbuf_bytes=0), cycle_model(job, wbuf_bytes=16384)
    assert all(c.bound == "mem_rd" for c in off.per_mode.values())
    assert abs(off.cycles["DENSE"] - off.cycles["ZERO_SKIP"]) <= 0.01 * off.cycles["DENSE"]
    assert off.cycles["DENSE"] < 1.2 * off.cycles["AQS"]
    assert on.cycles["AQS"] < on.cycles["ZERO_SKIP"] < on.cycles["DENSE"]
    assert on.cycles["DENSE"] > 1.8 * on.cycles["AQS"]
    assert on.per_mode["DENSE"].bound == "dwo" and on.per_mode["AQS"].bound != "mem_rd"


def test_energy_counts_wbuf_stores_and_replays_as_sram() -> None:
    c = {"SWO_BUSY": 10, "DWO_BUSY": 4, "TILES": 2, "RD_BYTES": 100, "WR_BYTES": 28}
    base = energy_from_counters(c, wbuf_bytes=16384)
    more = energy_from_counters({**c, "WBUF_RD_BYTES": 64, "WBUF_WR_BYTES": 16}, wbuf_bytes=16384)
    # 8 KiB banks: a published point of the table (10 pJ per 64-bit read), writes as reads
    assert sram_word_pj(8192, "read") == pytest.approx(10.0)
    assert more.breakdown_pj["sram_wbuf"] - base.breakdown_pj["sram_wbuf"] == pytest.approx(
        8 * 10.0 + 2 * sram_word_pj(8192, "write")
    )
    assert more.breakdown_pj["dram"] == base.breakdown_pj["dram"]
    bigger = energy_from_counters({**c, "WBUF_RD_BYTES": 64}, wbuf_bytes=65536)
    assert bigger.breakdown_pj["sram_wbuf"] == pytest.approx(8 * 20.0)  # 32 KiB: 20 pJ


def test_sram_table_interpolates_log_log() -> None:
    kib = [int(v) for v in ENERGY.SRAM_KIB]
    for size, pj in zip(kib, ENERGY.SRAM_RD_PJ, strict=True):
        assert sram_word_pj(1024 * size, "read") == pytest.approx(pj)
    # halfway in log(size) between 8 and 32 KiB: the geometric mean of 10 and 20 pJ
    assert sram_word_pj(16384, "read") == pytest.approx((10.0 * 20.0) ** 0.5, rel=1e-3)
    assert sram_word_pj(12 * 1024, "read") == pytest.approx(10.0 * 1.5**0.5, rel=1e-3)
    assert sram_word_pj(64, "write") == sram_word_pj(1024 * kib[0], "write")  # nearest end
    assert sram_word_pj(2**31, "read") == pytest.approx(ENERGY.SRAM_RD_PJ[-1])
    with pytest.raises(ValueError, match="op must be"):
        sram_word_pj(1024, "erase")


def test_roofline_counts_each_stream_once_by_hand() -> None:
    """Two m-blocks and three n-groups of weight blocks, no weight buffer, with bias: the loop
    nest reads the activations once per n-group and the weights once per m-block; compulsory
    reads each once."""
    p = int(ARCH.NUM_PEA)
    m, n, k = 16, 8 * (2 * p + 1), 16  # NB = 2p + 1: three n-groups
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    bias = np.arange(n, dtype=np.int32)
    job = Job(x=x, w=w, z=7, r=0, b=4, sbr=True, mode="dense", bias=bias, out_fmt="uint8")
    mc = mode_cycles(job, wbuf_bytes=0)
    bus = int(ARCH.AXI_DATA_W) // 8
    # DENSE: every k step is a record. Act block: LO 16*4 B, HO 8 + 16*5 B; weight block:
    # LO 16*5 B, HO 8 + 16*5 B; bias 32 B per weight block. All regions start 64-aligned and
    # every stream has an 8-aligned stride, so each is ceil(len / bus) beats.
    act = -(-64 // bus) + -(-88 // bus)
    wt = -(-80 // bus) + -(-88 // bus)
    bia = -(-32 // bus)
    nb, mb, ng = 2 * p + 1, 2, 3
    assert mc.compulsory_rd_bytes == bus * (mb * act + nb * (wt + bia))
    assert mc.compulsory_wr_bytes == m * n  # UINT8, N a multiple of 8
    assert mc.axi_rd_bytes == bus * (ng * mb * act + mb * nb * (wt + bia))
    assert mc.axi_rd_bytes == mc.counters["RD_BYTES"]
    assert mc.axi_wr_bytes == mc.counters["WR_BYTES"] == m * n
    assert mc.axi_ratio == pytest.approx(mc.axi_bytes / mc.compulsory_bytes)
    assert mc.axi_ratio > 1.0
    assert mc.operator_limit == mb * nb * 3 * k / p  # DENSE: 3 DWO products per step
    assert mc.lower_limit == max(mc.operator_limit, mc.compulsory_rd_bytes / bus)
    assert mc.lower_limit <= mc.cycles
    # Energy costs the unsaturated counts, including the weight-buffer stores.
    on = mode_cycles(job, wbuf_bytes=16384)
    assert on.counts["WBUF_WR_BYTES"] == bus * nb * wt
    assert on.counts["WBUF_RD_BYTES"] == mb * on.counts["WBUF_WR_BYTES"]
    assert on.compulsory_bytes == mc.compulsory_bytes and on.axi_bytes < mc.axi_bytes
