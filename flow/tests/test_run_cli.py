"""`panacea run` host side without a simulator: argument errors, exit 2 on bad files, the job
file round trip, the shared calibration, and the checks of `evaluate` on synthetic records."""
from __future__ import annotations

import json

import numpy as np
import panacea.run as run
import pytest
from panacea.analyze import analyze_layer
from panacea.cli import main
from panacea.memimage import expected_counters, expected_output, region_layout


@pytest.fixture
def npz(tmp_path):
    r = np.random.default_rng(0)
    p = tmp_path / "l.npz"
    np.savez(p, **{"a.W": r.normal(size=(12, 24)), "a.X": r.normal(2, 1, size=(10, 24)),
                   "b.W": r.normal(size=(8, 16)), "b.X": np.maximum(r.normal(size=(9, 16)), 0)})
    return p


@pytest.fixture(autouse=True)
def no_sim(monkeypatch):
    """Any attempt to simulate fails the test."""
    def boom(*a, **k):
        raise AssertionError("simulate() must not be reached")
    monkeypatch.setattr(run, "simulate", boom)


def _err(capsys):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("content", [b"", b"not a zip", None])
def test_bad_file_exit_2(tmp_path, capsys, content):
    p = tmp_path / "bad.npz"
    if content is not None:
        p.write_bytes(content)
    assert main(["run", str(p)]) == 2
    assert _err(capsys).startswith("panacea run: error:")


def test_bad_layers_exit_2(tmp_path, capsys):
    p = tmp_path / "x.npz"
    np.savez(p, **{"a.W": np.ones((4, 5)), "a.X": np.ones((3, 6))})
    assert main(["run", str(p)]) == 2
    assert "shape mismatch" in _err(capsys)
    np.savez(p, **{"a.W": np.ones((4, 5))})
    assert main(["run", str(p)]) == 2
    assert "lacks a.X" in _err(capsys)
    np.savez(p, **{"a.W": np.full((4, 5), np.nan), "a.X": np.ones((3, 5))})
    assert main(["run", str(p)]) == 2
    assert "NaN" in _err(capsys)


def test_unknown_layer_and_rows(npz, capsys):
    assert main(["run", str(npz), "--layer", "zz"]) == 2
    assert "no layer 'zz'" in _err(capsys)
    assert main(["run", str(npz), "--rows", "0"]) == 2
    assert "--rows" in _err(capsys)


@pytest.mark.parametrize("argv", [["--layer", "a", "--all"], ["--mode", "fast"],
                                  ["--sim", "vcs"], ["--lo-bits", "6"], ["--rows", "x"], []])
def test_argument_errors_exit_2(npz, argv):
    args = ["run", str(npz), *argv] if argv else ["run"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_outside_checkout(npz, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "ROOT", tmp_path)
    assert main(["run", str(npz)]) == 2
    assert "checkout" in _err(capsys)


def test_job_file_round_trip(npz, tmp_path):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer("a", w, x, run.mode_variants(["DENSE", "AQS"], None, True, True), 7)
    assert plan.jobs[0].M == 7 and plan.rows_of == 10
    run.write_jobs(tmp_path / "j.npz", plan.jobs)
    back = run.read_jobs(tmp_path / "j.npz")
    for a, b in zip(plan.jobs, back, strict=True):
        assert np.array_equal(a.x, b.x) and np.array_equal(a.w, b.w)
        assert (a.z, a.r, a.b, a.sbr, a.mode, a.out_fmt) == (b.z, b.r, b.b, b.sbr, b.mode,
                                                             b.out_fmt)
    assert run.mem_size(plan.jobs) >= max(a + s for a, s in region_layout(plan.jobs[0]).values())


@pytest.mark.parametrize("lo_bits,zpm,sbr", [(None, True, True), (4, False, False)])
def test_same_calibration_as_analyze(npz, lo_bits, zpm, sbr):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer("a", w, x, run.mode_variants(["AQS"], lo_bits, zpm, sbr))
    d = analyze_layer("a", w, x, lo_bits, zpm, sbr).data
    job = plan.jobs[0]
    assert (job.b, job.z, job.r, job.sbr) == (d["b"], d["z_after"], d["r"], sbr)


def _perfect_records(plan):
    """What a correct RTL would report (CYCLES = the model's prediction)."""
    recs = []
    for i, job in enumerate(plan.jobs):
        c = expected_counters(job)
        c["CYCLES"] = run.traffic_figures(job)["model"].cycles
        regions = {k: v.hex() for k, v in expected_output(job).regions.items() if v}
        recs.append({"index": i, "hang": False, "status": 2, "err_code": 0, "counters": c,
                     "regions": regions, "wall_s": 0.1, "dut_cycles": c["CYCLES"] + 50})
    return recs


def test_evaluate_checks(npz):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer("a", w, x, run.mode_variants(list(run.MODE_ARGS.values()), None, True,
                                                       True))
    recs = _perfect_records(plan)
    good = run.evaluate(plan, recs)
    assert all(d["pass"] and d["exact"] and d["counters_exact"] for d in good.values())
    assert good["DENSE"]["speedup_vs_dense"] == 1.0
    assert good["AQS"]["model_ratio"] == 1.0 and good["AQS"]["sqnr_db"] > 20
    assert good["AQS"]["rd_bytes"] >= good["AQS"]["rd_min"]
    json.dumps(good)
    bad = [dict(r) for r in recs]
    raw = bytearray.fromhex(bad[2]["regions"]["out"])
    raw[5] ^= 1
    bad[2]["regions"] = {"out": raw.hex()}
    bad[1] = dict(bad[1], counters=dict(bad[1]["counters"], DWO_BUSY=1))
    bad[0] = {"index": 0, "hang": True, "wall_s": 1.0, "dut_cycles": 9}
    res = run.evaluate(plan, bad)
    assert not res["AQS"]["pass"] and "1 output bytes differ" in res["AQS"]["problems"]
    assert not res["ZERO_SKIP"]["pass"] and not res["ZERO_SKIP"]["counters_exact"]
    assert not res["DENSE"]["pass"] and "hang" in res["DENSE"]["problems"][0]
    assert "FAIL" in run.format_layer_run({"name": "a", "M": 10, "N": 12, "K": 24, "sim": "x",
                                           "dut_cycles_per_s": None, "macs_per_s": None,
                                           "modes": res})
