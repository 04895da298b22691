"""`make bench`'s real transformer layers: the suite's shapes, and the target lines built from
the runs (the worst run named, MISS when any run is above 1.15x of the roofline or outside the
cycle-model tolerance)."""

from __future__ import annotations

from flow import bench


def _run(ratio: float, model_ratio: float = 1.0, within: bool = True) -> dict:
    return {"rtl_limit_ratio": ratio, "limit_term": "operator", "bound": "dwo",
            "model_ratio": model_ratio, "model_within_tol": within}  # fmt: skip


def test_suite_is_384_to_1536_channels_every_mode() -> None:
    assert {s[5] for s in bench.REAL_SUITE} == {True, False}
    for _, m, n, k, _, _ in bench.REAL_SUITE:
        assert m >= 32 and n in (384, 768, 1536) and k in (384, 768, 1536)
    assert {max(s[2], s[3]) for s in bench.REAL_SUITE} >= {768, 1536}
    assert [v.mode for v in bench.REAL_VARIANTS] == ["DENSE", "ZERO_SKIP", "AQS"]


def test_targets_name_the_worst_run() -> None:
    reps = [
        {"name": "a", "modes": {"DENSE": _run(1.02), "AQS": _run(1.31, 0.97)}},
        {"name": "b", "modes": {"DENSE": _run(1.10), "AQS": _run(1.12, 1.2, within=False)}},
    ]
    roof, tol = bench.real_targets(reps)
    assert roof["status"] == "MISS" and roof["value"] == 1.31
    assert "worst a AQS 1.31" in roof["detail"] and "1 of 4 above" in roof["detail"]
    assert (
        tol["status"] == "MISS" and "b AQS" in tol["detail"] and "1 of 4 outside" in tol["detail"]
    )
    ok = [{"name": "a", "modes": {"DENSE": _run(1.02), "AQS": _run(1.15)}}]
    assert [t["status"] for t in bench.real_targets(ok)] == ["PASS", "PASS"]
    assert bench.real_targets([]) == []


def test_real_table_lines_up() -> None:
    d = {**_run(1.3), "b": 5, "mt": 0, "rtl_cycles": 100, "model_cycles": 98, "lower_limit": 77.0,
         "counters": {"STALL_MEM": 3}, "rd_bytes": 400, "axi_vs_compulsory": 1.4,
         "speedup_vs_zero": 1.0, "pass": True}  # fmt: skip
    real = {"layers": [{"name": "a", "M": 32, "N": 384, "K": 768, "modes": {"AQS": d}}]}
    real["targets"] = bench.real_targets(real["layers"])
    lines = bench.real_markdown(real)
    rows = [ln for ln in lines if ln.startswith("|")]
    assert len({ln.count("|") for ln in rows[:3]}) == 1
    assert any("MISS" in ln for ln in rows)
