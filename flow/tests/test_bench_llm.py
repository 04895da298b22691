"""The LLM suite of `make bench`: layer splitting into descriptor-sized jobs, the layer's
compulsory bytes, the activation families, the report's shape, the mapper column, and the RTL
part on a small layer (Verilator, the selected build)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from panacea.config import ARCH
from panacea.cycles import choose_mt, mode_cycles

from flow import bench_llm
from flow.bench_llm import LayerCalibration, chunks, layer_figures, layer_jobs


def _cal(m: int, n: int, k: int) -> LayerCalibration:
    rng = np.random.default_rng(5)
    xq = rng.integers(100, 140, (m, k)).astype(np.uint8)
    wq = rng.integers(-40, 40, (n, k)).astype(np.int8)
    return LayerCalibration(xq=xq, wq=wq, z=120, r=7, b=4, dbs_cycles={})


def test_chunks_cover_the_range() -> None:
    assert chunks(11008, 4096) == [slice(0, 4096), slice(4096, 8192), slice(8192, 11008)]
    assert chunks(64) == [slice(0, 64)]
    assert chunks(int(ARCH.MAX_DIM) + 1)[-1] == slice(int(ARCH.MAX_DIM), int(ARCH.MAX_DIM) + 1)


@pytest.mark.parametrize("mode", ["dense", "aqs"])
def test_n_split_keeps_the_compulsory_bytes(mode: str) -> None:
    """Splitting N at a multiple of 8 leaves every stream as it was: the layer's compulsory
    bytes equal the single job's; the loop nest reads the activations once more per chunk."""
    cal = _cal(16, 64, 32)
    whole = layer_figures(layer_jobs(cal, mode))
    split_jobs = layer_jobs(cal, mode, max_dim=32)
    assert [len(r) for r in split_jobs] == [2]
    split = layer_figures(split_jobs)
    assert whole["jobs"] == 1 and split["jobs"] == 2
    assert split["compulsory_bytes"] == whole["compulsory_bytes"]
    single = mode_cycles(layer_jobs(cal, mode)[0][0])
    assert whole["compulsory_bytes"] == single.compulsory_bytes
    assert whole["axi_bytes"] == single.axi_bytes and whole["cycles"] == single.cycles
    assert split["cycles"] == sum(mode_cycles(j).cycles for j in split_jobs[0])
    assert split["operator_limit"] == pytest.approx(whole["operator_limit"])


def test_k_split_writes_partial_outputs() -> None:
    """K in two chunks: two INT32 partial outputs written (axi), one output compulsory."""
    m, n, k = 16, 24, 48
    cal = _cal(m, n, k)
    jobs = layer_jobs(cal, "aqs", max_dim=32)
    assert [[j.K for j in r] for r in jobs] == [[32], [16]]
    fig = layer_figures(jobs)
    per = [mode_cycles(r[0]) for r in jobs]
    assert fig["compulsory_bytes"] == sum(p.compulsory_rd_bytes for p in per) + m * n * 4
    assert fig["axi_bytes"] == sum(p.axi_bytes for p in per)
    assert sum(p.axi_wr_bytes for p in per) == 2 * m * n * 4
    assert fig["lower_limit"] == max(fig["operator_limit"], fig["memory_limit"])
    assert fig["cycles"] >= fig["lower_limit"]
    assert sum(fig["energy_by_kind_pj"].values()) == pytest.approx(fig["energy_pj"])


@pytest.mark.parametrize("fam", [bench_llm.act_rmsnorm, bench_llm.act_attn_context,
                                 bench_llm.act_swiglu])  # fmt: skip
def test_activation_families_are_reproducible(fam) -> None:
    a = fam(np.random.default_rng(1), 64, 256)
    b = fam(np.random.default_rng(1), 64, 256)
    assert a.shape == (64, 256) and np.isfinite(a).all()
    assert np.array_equal(a, b)


def test_rmsnorm_has_outlier_channels() -> None:
    x = bench_llm.act_rmsnorm(np.random.default_rng(2), 128, 1024)
    peak = np.abs(x).max(axis=0)
    assert (peak > 10 * np.median(peak)).sum() == 6


def test_targets_report_every_llm_target() -> None:
    def mode(cyc: int, ratio: float, e: float) -> dict:
        return {"cycles": cyc, "cycles_vs_roofline": ratio, "axi_vs_compulsory": 2.0,
                "limit_term": "operator", "bound": "mem_rd", "energy_vs_zero": e,
                "lower_limit": cyc / ratio}  # fmt: skip

    layers = [
        {"name": "a", "rmsnorm_input": True,
         "modes": {"AQS": mode(10, 1.1, 1.6), "ZERO_SKIP": mode(20, 1.0, 1.0)}},
        {"name": "b", "rmsnorm_input": False,
         "modes": {"AQS": mode(10, 1.3, 1.0), "ZERO_SKIP": mode(10, 1.0, 1.0)}},
    ]  # fmt: skip
    for r in layers:
        r["modes"]["AQS"]["speedup_vs_zero"] = (
            r["modes"]["ZERO_SKIP"]["cycles"] / r["modes"]["AQS"]["cycles"]
        )
    got = {t["target"]: t for t in bench_llm.targets(layers)}
    assert len(got) == 4
    status = [t["status"] for t in got.values()]
    assert status == ["MISS", "MISS", "PASS", "PASS"]  # 2.0x bytes; 1.3 of roofline; 2x; 1.6x


def test_jobs_carry_the_hosts_m_tile() -> None:
    """Every job of the suite's figures has the m-tile the host picks (``choose_mt``, as
    ``panacea analyze`` and ``panacea run`` do); DBS's cost keeps mt = 0 like ``analyze``."""
    cal = _cal(64, 64, 64)
    for mode in ("dense", "aqs"):
        plain = layer_jobs(cal, mode, host_mt=False)[0][0]
        job = layer_jobs(cal, mode)[0][0]
        assert plain.mt == 0
        assert job.mt == choose_mt(plain) and np.array_equal(job.x, plain.x)
    if int(ARCH.ABUF_BYTES):  # the default build holds these m-blocks: fewer bytes than mt = 0
        assert job.mt > 0
        assert mode_cycles(job).axi_bytes < mode_cycles(plain).axi_bytes


def test_weight_buffer_override_cuts_traffic_not_compulsory() -> None:
    """A buffer that holds the weight streams removes their re-fetch per m-block."""
    cal = _cal(32, 64, 64)
    jobs = layer_jobs(cal, "aqs")
    none, big = layer_figures(jobs, wbuf_bytes=0), layer_figures(jobs, wbuf_bytes=4096)
    assert big["compulsory_bytes"] == none["compulsory_bytes"]
    assert big["axi_bytes"] < none["axi_bytes"]
    assert big["energy_by_kind_pj"]["dram"] < none["energy_by_kind_pj"]["dram"]
    assert bench_llm.onchip_bytes(4096) - bench_llm.onchip_bytes(0) == 4096 * int(ARCH.NUM_PEA)


def test_row_granularity_on_a_small_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Per-tensor, per-block-8 and per-row z, r of one small layer: every granularity reports
    its skip share and cycles, and the table compares them with per tensor."""
    monkeypatch.setattr(bench_llm, "M_TOKENS", 24)
    monkeypatch.setattr(bench_llm, "SUITE", [("tiny_swiglu", 16, 40, bench_llm.act_swiglu, False)])
    rows = bench_llm.run_rows_suite(log=lambda s: None)
    g = rows["layers"][0]["granularity"]
    assert list(g) == ["tensor", "block8", "row"]
    for d in g.values():
        assert 0.0 <= d["act_skip_zero"] <= d["act_skip_aqs"] <= 1.0
        assert d["aqs_cycles"] <= d["zero_cycles"] and d["b"] in (3, 4, 5)
    md = bench_llm.rows_markdown(rows["layers"])
    assert "| tiny_swiglu | row |" in md and "| suite total | tensor |" in md


def test_markdown_tables_line_up() -> None:
    head = bench_llm.md_head("a", "b", "c")
    assert head == ["| a | b | c |", "|---|---|---|"]
    assert bench_llm.md_row("x", 1, "50%") == "| x | 1 | 50% |"
    t = {"target": "T", "value": None, "target_value": ">= 1", "status": "n/a", "detail": "-"}
    lines = bench_llm.targets_markdown("## Targets", [t, {**t, "value": 0.123456}])
    assert lines[1] == "## Targets" and lines[3].count("|") == lines[4].count("|") == 6
    assert lines[5:] == ["| T | n/a | >= 1 | n/a | - |", "| T | 0.123 | >= 1 | n/a | - |"]
    d = {"energy_pj": 200.0, "energy_by_kind_pj": {"dram": 100.0, "sram": 50.0, "compute": 50.0}}
    assert bench_llm.energy_shares(d) == ["50%", "25%", "25%"]


def _tiny_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_llm, "M_TOKENS", 24)
    monkeypatch.setattr(
        bench_llm,
        "SUITE",
        [("tiny_rms", 40, 72, bench_llm.act_rmsnorm, True),
         ("tiny_swiglu", 24, 40, bench_llm.act_swiglu, False)],
    )  # fmt: skip


def test_mapper_column_beside_every_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every layer and mode carries the mapper's best blocking within 1 MiB (the same mapper
    call as `panacea analyze --mapper`), shown in the layer text, the table and the targets."""
    from panacea import mapper as mp

    _tiny_suite(monkeypatch)
    logs: list[str] = []
    res = bench_llm.run_suite(log=logs.append)
    for lay in res["layers"]:
        assert lay["rtl"] is None
        for md, d in lay["modes"].items():
            m = d["mapper"]
            assert m["budget"] == bench_llm.TARGETS["onchip_max"] and m["onchip"] <= m["budget"]
            assert m["ratio"] >= 1.0 and m["cycles_vs_roofline"] >= 1.0
            assert "order=" in m["blocking"] and m["compulsory_bytes"] > 0
            jobs = bench_llm.layer_jobs(bench_llm.calibrate(*_float_layer(lay["name"])), md.lower())
            mpr = mp.Mapper(mp.operands_from_jobs(jobs, lay["name"]))
            best = mp.best_within(mpr.mappings(), m["budget"])
            assert best is not None and best.blocking.label() == m["blocking"]
    assert any("\n  mapper AQS " in text for text in logs)
    md = bench_llm.markdown(res)
    assert "mapper blocking" in md and "### LLM layers on the RTL" not in md
    names = [t["target"] for t in res["targets"]]
    assert any(n.startswith("the same, mapper's best blocking") for n in names)


def _float_layer(name: str):
    idx = [s[0] for s in bench_llm.SUITE].index(name)
    _, n, k, fam, _ = bench_llm.SUITE[idx]
    return bench_llm.make_layer(idx, n, k, fam)


def test_rtl_failures_are_a_miss() -> None:
    """A job of the RTL run with a problem or outside the cycle tolerance is a MISS."""

    def mode(cyc: int) -> dict:
        return {"cycles": cyc, "cycles_vs_roofline": 1.0, "axi_vs_compulsory": 1.0,
                "limit_term": "operator", "bound": "swo", "energy_vs_zero": 1.0,
                "lower_limit": cyc, "speedup_vs_zero": 1.0}  # fmt: skip

    job = {"model_within_tol": True, "problems": []}
    bad = {"model_within_tol": False, "problems": ["output: 1 element differs"]}
    run = {"model_ratio": 1.0, "rtl_vs_roofline": 1.0, "axi_vs_compulsory": 1.0,
           "worst_job_model_error": 0.3, "pass": False, "jobs": [job, bad]}  # fmt: skip
    layers = [{"name": "a", "rmsnorm_input": True, "rtl": {"tokens": 32, "modes": {"AQS": run}},
               "modes": {"AQS": mode(10), "ZERO_SKIP": mode(10)}}]  # fmt: skip
    got = {t["target"]: t for t in bench_llm.targets(layers)}
    rtl = [t for n, t in got.items() if "on the RTL" in n]
    assert [t["status"] for t in rtl] == ["MISS", "MISS"]
    assert rtl[0]["value"] == 0.5 and rtl[1]["value"] == 0.3


def test_llm_layer_on_the_rtl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The RTL part of the suite on a small layer (Verilator, the selected build): every job
    bit-exact with exact counters, its cycles beside the model, in the table and the targets."""
    _tiny_suite(monkeypatch)
    res = bench_llm.run_suite(
        log=lambda s: None, rtl_tokens=16, rtl_modes=["AQS", "ZERO_SKIP"],
        rtl_layers=["tiny_rms"],
    )  # fmt: skip
    rtl = res["layers"][0]["rtl"]
    assert res["layers"][1]["rtl"] is None and rtl["tokens"] == 16 and rtl["pass"]
    for md, d in rtl["modes"].items():
        cal = bench_llm.calibrate(*_float_layer("tiny_rms"))
        sub = dataclasses.replace(cal, xq=cal.xq[:16])
        fig = bench_llm.layer_figures(bench_llm.layer_jobs(sub, md.lower()))
        assert d["model_cycles"] == fig["cycles"] and d["lower_limit"] == fig["lower_limit"]
        assert d["exact"] and d["counters_exact"] and d["within_tol"]
        assert d["rtl_cycles"] == sum(j["rtl_cycles"] for j in d["jobs"]) > 0
        assert d["rtl_vs_roofline"] >= 1.0 and d["axi_vs_compulsory"] >= 1.0
    md = bench_llm.markdown(res)
    assert "### LLM layers on the RTL" in md and "| tiny_rms | AQS | 1 |" in md
    status = {t["target"]: t["status"] for t in res["targets"] if "on the RTL" in t["target"]}
    assert list(status.values()) == ["PASS", "PASS"]
