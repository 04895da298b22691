"""The on-chip reuse mapper: byte accounting against a brute-force walk of the loop nest."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from panacea import mapper as mp
from panacea.cli import main
from panacea.config import ARCH
from panacea.cycles import compulsory_bytes, loop_nest_bytes
from panacea.memimage import BUS_BYTES, Job, abuf_fits, abuf_mt_max, ceil_div, job_stats


def _job(m: int, n: int, k: int, seed: int, **kw: object) -> Job:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (m, k)).astype(np.uint8)
    x[:, : k // 2] = 0x95  # a skippable half (xh = r = 9)
    w = rng.integers(-20, 20, (n, k)).astype(np.int8)
    w[: n // 3] = rng.integers(-128, 128, (n // 3, k))
    return Job(x=x, w=w, z=150, r=9, b=4, **kw)  # type: ignore[arg-type]


def walk(mpr: mp.Mapper, bl: mp.Blocking) -> tuple[dict[str, int], dict[str, int]]:
    """DRAM bytes of ``bl`` by visiting every (m-tile, n-tile, K chunk) in loop order with one
    resident activation tile, one resident weight tile and the current output tile's partial
    sums on chip (spilled when the walk leaves it unfinished)."""
    o = mpr.ops
    act, wt = mpr.act(bl.kt), mpr.wt(bl.kt)
    trips = {"m": ceil_div(o.MB, bl.mt), "n": ceil_div(o.NB, bl.nt), "k": ceil_div(o.K, bl.kt)}
    rowq = 16 if o.row_q else 0
    rd = dict.fromkeys(("act", "rowq", "wt", "bias", "psum"), 0)
    wr = {"out": 0, "psum": 0}
    res_a = res_w = cur = None
    done: dict[tuple[int, int], int] = {}
    rows = o.psum_tile_bytes
    for idx in itertools.product(*(range(trips[d]) for d in bl.order)):
        at = dict(zip(bl.order, idx, strict=True))
        mi, ni, ki = at["m"], at["n"], at["k"]
        ms = range(mi * bl.mt, min(o.MB, (mi + 1) * bl.mt))
        ns = range(ni * bl.nt, min(o.NB, (ni + 1) * bl.nt))
        if bl.refetch:
            res_a = res_w = None

        if bl.a_whole:
            if res_a is None:  # the whole operand once, at the first visit
                res_a = "all"
                rd["act"] += int(act.sum())
                rd["rowq"] += rowq * o.MB
        elif res_a != (mi, ki):
            res_a = (mi, ki)
            rd["act"] += sum(int(act[m, ki]) for m in ms)
            rd["rowq"] += rowq * len(ms)
        if res_w != (ni, ki):
            res_w = (ni, ki)
            rd["wt"] += sum(int(wt[n, ki]) for n in ns)
        psum = sum(int(rows[m]) for m in ms) * len(ns)
        if cur != (mi, ni):
            if cur is not None and 0 < done.get(cur, 0) < trips["k"]:
                c_ms = range(cur[0] * bl.mt, min(o.MB, (cur[0] + 1) * bl.mt))
                c_ns = range(cur[1] * bl.nt, min(o.NB, (cur[1] + 1) * bl.nt))
                wr["psum"] += sum(int(rows[m]) for m in c_ms) * len(c_ns)
            if done.get((mi, ni), 0):
                rd["psum"] += psum
            cur = (mi, ni)
        done[(mi, ni)] = done.get((mi, ni), 0) + 1
        if done[(mi, ni)] == trips["k"]:
            rd["bias"] += 32 * len(ns) if o.bias else 0
    wr["out"] = o.out_bytes
    assert all(v == trips["k"] for v in done.values())
    return rd, wr


@pytest.mark.parametrize(
    ("m", "n", "k", "kw"),
    [(40, 72, 300, {}), (17, 130, 200, {"bias": np.arange(130, dtype=np.int32)}),
     (64, 40, 129, {"out_fmt": "uint8"})],
)  # fmt: skip
@pytest.mark.parametrize("bus", [8, 32])
def test_bytes_match_brute_force_walk(m: int, n: int, k: int, kw: dict, bus: int) -> None:
    ops = mp.operands_from_job(_job(m, n, k, m + n + k, **kw))
    mpr = mp.Mapper(ops, num_pea=4, bus_bytes=bus)
    for bl in mpr.candidates():
        mapping = mpr.evaluate(bl)
        rd, wr = walk(mpr, bl)
        assert (mapping.rd, mapping.wr) == (rd, wr), bl.label()
        assert mapping.dram_bytes >= mapping.compulsory
        assert mapping.rd["psum"] == mapping.wr["psum"]
        assert not (mapping.rd["psum"] and mapping.need.psum), bl.label()


def test_row_q_vectors_counted() -> None:
    job = _job(24, 40, 100, 3)
    z = np.full(24, 150, np.int64)
    ops = mp.operands_from_job(Job(x=job.x, w=job.w, z=z, r=z >> 4, b=4))
    assert ops.row_q
    mpr = mp.Mapper(ops, num_pea=4, bus_bytes=8)
    for bl in mpr.candidates()[::7]:
        assert (mpr.evaluate(bl).rd, mpr.evaluate(bl).wr) == walk(mpr, bl), bl.label()


def test_rtl_blocking_is_the_rtl_loop_nest() -> None:
    """At the RTL's bus width, the RTL blocking moves exactly RD_BYTES + WR_BYTES of the loop
    nest, and the mapper's compulsory bytes are cycles.compulsory_bytes."""
    cases = (
        (40, 72, 300, {}),
        (9, 33, 64, {"bias": np.ones(33, np.int32)}),
        (70, 72, 40, {"bias": np.ones(72, np.int32)}),
        (17, 8, 24, {}),
    )
    for m, n, k, kw in cases:
        job = _job(m, n, k, 5, **kw)
        for mt in sorted({0, 1, 2, abuf_mt_max(m, k, job.b, False), 1000}):
            if mt and not abuf_fits(m, k, job.b, False, mt):
                continue
            st = job_stats(dataclasses.replace(job, mt=mt))
            assert st.wbuf_fits
            ops = mp.operands_from_stats(st)
            mpr = mp.Mapper(ops, bus_bytes=BUS_BYTES)
            got = mpr.evaluate(mp.rtl_blocking(ops, mt=mt))
            assert (got.rd_bytes, got.wr_bytes) == loop_nest_bytes(st), (m, n, k, mt)
            assert got.rd_bytes == st.counters["RD_BYTES"]
            assert (mpr.compulsory_rd, mpr.compulsory_wr) == compulsory_bytes(st)


def test_everything_on_chip_reaches_compulsory() -> None:
    ops = mp.operands_from_job(_job(40, 72, 300, 9))
    mpr = mp.Mapper(ops, num_pea=4, bus_bytes=16)
    maps = mpr.mappings()
    big = mp.best_mapping(mpr, mp.Buffers(1 << 30, 1 << 30, 1 << 30), maps)
    assert big is not None and big.dram_bytes == big.compulsory
    # A smaller budget cannot do better, and the chosen blocking fits its buffers.
    for cap in (2048, 4096, 16384):
        buf = mp.Buffers(cap, cap // 4, cap)
        got = mp.best_mapping(mpr, buf, maps)
        assert got is not None and mp.fits(got, buf)
        assert got.dram_bytes >= big.dram_bytes
        assert all(got.dram_bytes <= x.dram_bytes for x in maps if mp.fits(x, buf))
    assert mp.best_mapping(mpr, mp.Buffers(0, 0, 0), maps) is not None  # streaming always fits


def test_floor_below_every_blocking() -> None:
    ops = mp.operands_from_job(_job(64, 128, 512, 11))
    mpr = mp.Mapper(ops, num_pea=4, bus_bytes=8)
    maps = mpr.mappings()
    for budget in (1024, 4096, 16384, 65536):
        best = mp.best_within(maps, budget)
        assert best is not None
        assert 1.0 <= mp.traffic_floor(ops, budget, 8) <= best.ratio


def test_worst_case_sizing_is_larger() -> None:
    ops = mp.operands_from_job(_job(40, 72, 300, 2))
    actual = mp.Mapper(ops, num_pea=4, bus_bytes=8)
    worst = mp.Mapper(ops, num_pea=4, bus_bytes=8, worst=True)
    bl = mp.Blocking(mt=5, nt=4, kt=300, order="mnk", inner="nm", prefetch=True)
    a, w = actual.evaluate(bl), worst.evaluate(bl)
    assert a.dram_bytes == w.dram_bytes
    assert a.need.abuf < w.need.abuf and a.need.wbuf_pea <= w.need.wbuf_pea


def test_bad_build_rejected() -> None:
    ops = mp.operands_from_job(_job(8, 8, 16, 1))
    with pytest.raises(ValueError, match="bus_bytes"):
        mp.Mapper(ops, bus_bytes=12)


def test_analyze_mapper_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    npz = tmp_path / "t.npz"
    np.savez(npz, **{"fc.W": rng.normal(0, 0.05, (40, 96)), "fc.X": rng.random((30, 96))})
    out = tmp_path / "o.json"
    assert main(["analyze", str(npz), "--mapper", "--budget", "8KiB", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.index("AQS ") < text.index("mapper projection")  # the RTL's figures first
    assert "a hierarchy the RTL has in part" in text and "chosen: " in text
    got = json.loads(out.read_text())["layers"][0]["mapper"]
    assert got["budget"] == 8192 and 1.0 <= got["ratio"] <= got["rtl_ratio"]
    abuf, wbuf, psum = (got["buffers"][k] for k in ("abuf", "wbuf_pea", "psum"))
    assert abuf + int(ARCH.NUM_PEA) * wbuf + psum <= 8192
    assert main(["analyze", str(npz), "--mapper", "--budget", "lots"]) == 2
    assert "budget must be" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "value"), [("1MiB", 1 << 20), ("512KiB", 512 << 10),
                                             ("768k", 768 << 10), ("4096", 4096)])  # fmt: skip
def test_parse_budget(text: str, value: int) -> None:
    assert mp.parse_budget(text) == value
