"""Cycle model sanity and hand checks; energy formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.config import ARCH, CYCLE, ENERGY
from panacea.cycles import cycle_model, mode_cycles
from panacea.energy import energy_from_counters
from panacea.memimage import Job


@pytest.mark.parametrize(("m", "n", "k"), [(8, 8, 16), (20, 70, 200), (64, 40, 1000)])
def test_fully_skippable_orders_modes(m: int, n: int, k: int) -> None:
    x = np.full((m, k), 0x95, np.uint8)  # xh = 9 everywhere (b = 4)
    w = np.random.default_rng(0).integers(-16, 16, (n, k)).astype(np.int8)  # SBR wh = 0
    rep = cycle_model(Job(x=x, w=w, z=150, r=9, b=4, sbr=True))
    d, zs, a = (rep.per_mode[md] for md in ("DENSE", "ZERO_SKIP", "AQS"))
    assert a.cycles <= zs.cycles <= d.cycles
    assert a.dwo_products == 0 < zs.dwo_products < d.dwo_products
    assert a.counters["RD_BYTES"] < zs.counters["RD_BYTES"] == d.counters["RD_BYTES"]
    for mc in (d, zs, a):
        assert mc.lower_limit <= mc.cycles and mc.limit_ratio >= 1.0


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 40), n=st.integers(1, 70), k=st.integers(1, 80),
       seed=st.integers(0, 2**32 - 1))
def test_lower_limit_below_cycles(m: int, n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    rep = cycle_model(Job(x=x, w=w, z=int(x[0, 0]), r=int(x[0, 0]) >> 4))
    for mc in rep.per_mode.values():
        assert mc.lower_limit <= mc.cycles
        assert mc.swo_products == mc.counters["SWO_BUSY"]
        assert mc.dwo_products == mc.counters["DWO_BUSY"]
        assert mc.cycles == int(CYCLE.JOB_OVERHEAD) + int(mc.group_cycles.sum())
    assert rep.per_mode["DENSE"].dwo_products >= rep.per_mode["ZERO_SKIP"].dwo_products


def test_single_tile_by_hand() -> None:
    k = 16
    x = np.full((8, k), 0x95, np.uint8)
    w = np.zeros((8, k), np.int8)
    w[:, 0] = 64  # one live weight HO vector (wh = 4)
    mc = mode_cycles(Job(x=x, w=w, z=0, r=9, b=4, mode="aqs"))
    bus = int(ARCH.AXI_DATA_W) // 8
    beats = [k * 4 / bus, 8 / bus, k * 5 / bus, (8 + 1 * 5) / bus]  # act LO/HO, wt LO/HO
    rd = sum(int(np.ceil(v)) for v in beats)
    wr = int(np.ceil(8 * 8 * 4 / bus))
    t = max(k, 1, rd, wr) + int(CYCLE.GROUP_OVERHEAD) + int(CYCLE.DRAIN_CYCLES)
    assert mc.dwo_products == 1 and mc.counters["RD_BYTES"] == rd * bus
    assert mc.cycles == int(CYCLE.JOB_OVERHEAD) + t
    assert mc.lower_limit == k / int(ARCH.NUM_PEA)


def test_energy_formula() -> None:
    c = {"SWO_BUSY": 10, "DWO_BUSY": 4, "TILES": 2, "RD_BYTES": 100, "WR_BYTES": 28}
    e = energy_from_counters(c)
    want = (64 * 10 * ENERGY.MUL_LL_PJ + 64 * 4 * ENERGY.MUL_HO_PJ
            + 64 * 16 * ENERGY.ACC_ADD_PJ + 8 * 10 * ENERGY.CS_ADD_PJ
            + 128 * (ENERGY.SRAM_BYTE_PJ + ENERGY.DRAM_BYTE_PJ))
    assert e.total_pj == pytest.approx(want)
    assert sum(e.breakdown_pj.values()) == pytest.approx(e.total_pj)
    more = energy_from_counters({**c, "DWO_BUSY": 5})
    assert more.total_pj > e.total_pj
    with pytest.raises(ValueError, match="DWO_BUSY"):
        energy_from_counters({"SWO_BUSY": 1})
