"""`panacea run` host side without a simulator: argument errors, exit 2 on bad files, the job
file round trip, the shared calibration, and the checks of `evaluate` on synthetic observations
(and that `panacea analyze` loads neither cocotb nor the testbench)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from panacea.analyze import analyze_layer
from panacea.config import COUNTERS
from panacea.memimage import expected_counters, expected_output, region_layout

import flow.run as run
from flow.cli import flow_main, main
from verif.agents.job import Observed
from verif.tests.top import job_runner


@pytest.fixture
def npz(tmp_path):
    r = np.random.default_rng(0)
    p = tmp_path / "l.npz"
    np.savez(
        p,
        **{
            "a.W": r.normal(size=(12, 24)),
            "a.X": r.normal(2, 1, size=(10, 24)),
            "b.W": r.normal(size=(8, 16)),
            "b.X": np.maximum(r.normal(size=(9, 16)), 0),
        },
    )
    return p


@pytest.fixture(autouse=True)
def no_sim(monkeypatch):
    """Any attempt to simulate fails the test."""

    def boom(*a, **k):
        raise AssertionError("simulate() must not be reached")

    monkeypatch.setattr(job_runner, "simulate", boom)


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


@pytest.mark.parametrize(
    "argv",
    [
        ["--layer", "a", "--all"],
        ["--mode", "fast"],
        ["--sim", "vcs"],
        ["--lo-bits", "6"],
        ["--rows", "x"],
        [],
    ],
)
def test_argument_errors_exit_2(npz, argv):
    args = ["run", str(npz), *argv] if argv else ["run"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_unknown_config_exit_2(npz, capsys):
    assert main(["run", str(npz), "--config", "nope"]) == 2
    assert "unknown configuration 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["sim", "synth"])
def test_flow_unknown_config_exit_2(command, capsys):
    assert flow_main([command, "--config", "nope"]) == 2
    assert "error: unknown configuration 'nope'" in capsys.readouterr().err


def test_outside_checkout(npz, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "ROOT", tmp_path)
    assert main(["run", str(npz)]) == 2
    assert "checkout" in _err(capsys)


def test_job_file_round_trip(npz, tmp_path):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer("a", w, x, run.mode_variants(["DENSE", "AQS"], None, True, True), 7)
    assert plan.jobs[0].M == 7 and plan.rows_of == 10
    job_runner.write_jobs(tmp_path / "j.npz", plan.jobs)
    back = job_runner.read_jobs(tmp_path / "j.npz")
    for a, b in zip(plan.jobs, back, strict=True):
        assert np.array_equal(a.x, b.x) and np.array_equal(a.w, b.w)
        assert (a.z, a.r, a.b, a.sbr, a.mode, a.out_fmt) == (
            b.z,
            b.r,
            b.b,
            b.sbr,
            b.mode,
            b.out_fmt,
        )
    end = max(a + s for a, s in region_layout(plan.jobs[0]).values())
    assert job_runner.mem_size(plan.jobs) >= end


@pytest.mark.parametrize("lo_bits,zpm,sbr", [(None, True, True), (4, False, False)])
def test_same_calibration_as_analyze(npz, lo_bits, zpm, sbr):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer("a", w, x, run.mode_variants(["AQS"], lo_bits, zpm, sbr))
    d = analyze_layer("a", w, x, lo_bits, zpm, sbr).data
    job = plan.jobs[0]
    assert (job.b, job.z, job.r, job.sbr) == (d["b"], d["z_after"], d["r"], sbr)


def _perfect_records(plan):
    """What a correct RTL would report (CYCLES = the model's prediction), shipped as JSON."""
    recs = []
    for i, job in enumerate(plan.jobs):
        c = expected_counters(job)
        c["CYCLES"] = run.traffic_figures(job)["model"].cycles
        obs = Observed(
            idx=i,
            irq=True,
            wall_s=0.1,
            dut_cycles=c["CYCLES"] + 50,
            regions=dict(expected_output(job).regions),
        )
        obs.set_registers({"STATUS": 2, "ERR_CODE": 0, **{k: c.get(k, 0) for k in COUNTERS}})
        recs.append(Observed.from_json(obs.to_json()))
    return recs


def test_evaluate_checks(npz):
    w, x = run.select_layers(npz, "a", None)["a"]
    plan = run.plan_layer(
        "a", w, x, run.mode_variants(list(run.MODE_ARGS.values()), None, True, True)
    )
    recs = _perfect_records(plan)
    good = run.evaluate(plan, recs)
    assert all(d["pass"] and d["exact"] and d["counters_exact"] for d in good.values())
    assert good["DENSE"]["speedup_vs_dense"] == 1.0
    assert good["AQS"]["model_ratio"] == 1.0 and good["AQS"]["sqnr_db"] > 20
    assert good["AQS"]["rd_bytes"] >= good["AQS"]["rd_min"]
    json.dumps(good)
    bad = recs
    raw = bytearray(bad[2].regions["out"])
    raw[5] ^= 1
    bad[2].regions["out"] = bytes(raw)
    bad[1].counters["DWO_BUSY"] = 1
    bad[0] = Observed(idx=0, timed_out=True, wall_s=1.0, dut_cycles=9)
    res = run.evaluate(plan, bad)
    assert not res["AQS"]["pass"] and not res["AQS"]["exact"]
    assert any(p.startswith("bytes: region out: 1 of") for p in res["AQS"]["problems"])
    assert res["AQS"]["counters_exact"]
    assert not res["ZERO_SKIP"]["pass"] and not res["ZERO_SKIP"]["counters_exact"]
    assert not res["DENSE"]["pass"] and "hang" in res["DENSE"]["problems"][0]
    assert "FAIL" in run.format_layer_run(
        {
            "name": "a",
            "M": 10,
            "N": 12,
            "K": 24,
            "sim": "x",
            "dut_cycles_per_s": None,
            "macs_per_s": None,
            "modes": res,
        }
    )


def test_analyze_loads_no_simulator_code(npz, tmp_path):
    """`panacea analyze` through the installed command's parser imports neither cocotb nor the
    testbench nor flow.run."""
    code = (
        "import sys; from flow.cli import main; main(['analyze', sys.argv[1]]); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('cocotb', 'cocotb_tools', 'pyuvm', 'verif') or m == 'flow.run'); "
        "assert not bad, bad"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, str(npz)], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
