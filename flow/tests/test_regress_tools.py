"""Tests of the regression tooling (flow.regress, flow.cov_report), no long sims.

A tiny fake cocotb bench on pnc_fifo (Icarus, ~2 s a run) passes, fails on even seeds, hangs,
crashes the simulator and fails on purpose; its own testplan and regress.toml point the real
tools at it. Checked: per-seed run dirs, statuses (pass/fail/timeout/crash/negative test),
repro lines, the waveform re-run, JUnit + JSON, the consistency checks, a Dask LocalCluster of
two worker processes on loopback, and the HTML report (rendered in headless Chromium if present).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flow import cov_report
from flow.regress import config as C
from flow.regress import covdata

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
FLOW = str(Path(PY).parent / "panacea-flow")

FAKE_TB = '''
"""Fake bench for the regression-tool tests (toplevel pnc_fifo)."""
import os

import cocotb
from cocotb.triggers import Timer
from cocotb_coverage.coverage import CoverPoint, coverage_db


@CoverPoint("fake.seeds.parity", bins=["even", "odd"])
def _parity(p):
    pass


@CoverPoint("fake.never.x", bins=[1])
def _never(v):
    pass


def _seed():
    return int(os.environ["COCOTB_RANDOM_SEED"])


def _export(name):
    d = os.environ.get("PNC_COV_DIR", "coverage")
    os.makedirs(d, exist_ok=True)
    coverage_db.export_to_xml(os.path.join(d, f"{name}-seed{_seed()}.xml"))


@cocotb.test()
async def passes(dut):
    _parity("even" if _seed() % 2 == 0 else "odd")
    _export("passes")
    await Timer(10, unit="ns")


@cocotb.test()
async def fails_on_even_seed(dut):
    await Timer(10, unit="ns")
    assert _seed() % 2 == 1, f"even seed {_seed()}"


@cocotb.test()
async def hangs_on_seed_2(dut):
    await Timer(10, unit="ns")
    while _seed() == 2:
        pass


@cocotb.test()
async def crashes_on_seed_2(dut):
    await Timer(10, unit="ns")
    if _seed() == 2:
        os._exit(3)


@cocotb.test()
async def must_fail(dut):
    await Timer(10, unit="ns")
    assert False, "negative test fails on purpose"
'''

FAKE_PLAN = """
[[testpoint]]
name = "basic"
tests = ["passes"]
covergroups = ["fake.seeds", "fake.never"]

[[testpoint]]
name = "robustness"
tests = ["fails_on_even_seed", "hangs_on_seed_2", "crashes_on_seed_2"]
covergroups = []

[[testpoint]]
name = "negative"
tests = ["must_fail"]
covergroups = []
"""

FAKE_REGRESS = """
[bench]
module = "fake_regress_tb"
toplevel = "pnc_fifo"
rtl = ["pnc_fifo"]
testplan = "{plan}"
waivers = "{waivers}"

[defaults]
timeout_s = 20

[levels.smoke]
seeds = 2
tests = "testplan"
code_coverage = false

[tests.hangs_on_seed_2]
timeout_s = 8

[tests.must_fail]
expect = "fail"

[signoff]
functional_pct = 100.0
[signoff.code]
line = 90.0
[signoff.mutation]
path = "{d}/mutate.json"
[signoff.formal]
path = "{d}/formal.json"
[signoff.history]
path = "{d}/history.sqlite"
"""


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    d = tmp_path_factory.mktemp("fake")
    (d / "fake_regress_tb.py").write_text(FAKE_TB)
    (d / "plan.toml").write_text(FAKE_PLAN)
    (d / "waivers.toml").write_text(
        '[[waiver]]\nbin = "fake.never.*"\nreason = "never sampled on purpose (tool test)"\n'
    )
    (d / "regress.toml").write_text(
        FAKE_REGRESS.format(plan=d / "plan.toml", waivers=d / "waivers.toml", d=d)
    )
    env = dict(os.environ, PYTHONPATH=f"{d}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    env.pop("PYTEST_CURRENT_TEST", None)  # else cocotb names results.xml after this test
    return d, env


def _regress(fake, out: Path, *extra: str) -> tuple[int, dict, str]:
    d, env = fake
    p = subprocess.run(
        [
            FLOW,
            "regress",
            "--config",
            str(d / "regress.toml"),
            "--sim",
            "icarus",
            "--jobs",
            "2",
            "--out",
            str(out),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = json.loads((out / "summary.json").read_text())
    return p.returncode, summary, p.stdout + p.stderr


@pytest.fixture(scope="module")
def local_run(fake, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    return (out, *_regress(fake, out))


def test_static_consistency_finds_missing_and_unplanned_tests(fake, tmp_path):
    d, _ = fake
    cfg = C.load(d / "regress.toml")
    assert C.discover_tests("fake_regress_tb", d) == [
        "passes",
        "fails_on_even_seed",
        "hangs_on_seed_2",
        "crashes_on_seed_2",
        "must_fail",
    ]
    assert C.consistency_errors(cfg) == []
    cfg.testplan = cfg.testplan[:1] + [{"name": "x", "tests": ["no_such_test"]}]
    errs = "\n".join(C.consistency_errors(cfg))
    assert "testplan test no_such_test does not exist" in errs
    assert "test must_fail in fake_regress_tb is not in the testplan" in errs


def test_sims_restricts_a_test_to_some_simulators(fake, tmp_path):
    d, _ = fake
    base = (d / "regress.toml").read_text()
    cfg_path = tmp_path / "regress.toml"
    cfg_path.write_text(base + '\n[tests.passes]\nsims = ["verilator"]\n')
    cfg = C.load(cfg_path)
    assert cfg.tests["passes"].sims == ["verilator"] and cfg.tests["must_fail"].sims is None
    cfg_path.write_text(base + '\n[tests.passes]\nsims = ["xcelium"]\n')
    with pytest.raises(SystemExit, match="tests.passes.sims must be a non-empty list"):
        C.load(cfg_path)


def test_real_testplan_is_consistent():
    assert C.consistency_errors(C.load()) == []


def test_every_outcome_is_recorded(local_run):
    out, rc, s, log = local_run
    assert rc == 1, log  # failures -> non-zero exit
    by = {(r["test"], r["seed"]): r for r in s["results"]}
    assert len(by) == 10 and s["meta"]["final"], log
    st = {k: r["status"] for k, r in by.items()}
    assert st[("passes", 1)] == st[("passes", 2)] == "passed"
    assert st[("fails_on_even_seed", 1)] == "passed"
    assert st[("fails_on_even_seed", 2)] == "failed"
    assert st[("hangs_on_seed_2", 1)] == "passed"
    assert st[("hangs_on_seed_2", 2)] == "timeout"
    assert st[("crashes_on_seed_2", 1)] == "passed"
    assert st[("crashes_on_seed_2", 2)] == "error"
    assert st[("must_fail", 1)] == st[("must_fail", 2)] == "passed"  # expected failure
    r = by[("passes", 2)]
    assert Path(r["run_dir"]).name == "seed2" and Path(r["log"]).exists()
    assert r["sim_time_ns"] == 10 and r["wall_s"] > 0
    assert len(r["coverage_files"]) == 1
    assert r["repro"].endswith("--test passes --seed 2 --toplevel pnc_fifo --rtl pnc_fifo")
    assert r["repro"].startswith(".venv/bin/panacea-flow sim ")
    assert s["counts"] == {"passed": 7, "failed": 1, "timeout": 1, "error": 1}
    assert "[" in log and "ETA" in log  # progress lines
    # one bucket per failure signature, each with a repro line; the crash keeps its log
    bk = {b["kind"]: b for b in s["buckets"]}
    assert sorted(bk) == ["cocotb-assertion", "crash", "timeout"], s["buckets"]
    assert bk["cocotb-assertion"]["signature"] == "cocotb-assertion: even seed=<n>"
    assert bk["timeout"]["signature"] == "timeout: timeout after <time> (process group killed)"
    assert bk["crash"]["tests"] == ["crashes_on_seed_2"] and Path(bk["crash"]["log"]).exists()
    assert all(
        b["repro"].endswith("--seed 2 --toplevel pnc_fifo --rtl pnc_fifo") for b in bk.values()
    )
    assert by[("fails_on_even_seed", 2)]["bucket"] == bk["cocotb-assertion"]["id"]
    assert log.count(" NEW: ") == 3, log  # first run in this history database


def test_failures_rerun_with_waves_and_reproduce(local_run):
    out, _, s, _ = local_run
    bad = [r for r in s["results"] if r["status"] != "passed"]
    assert len(bad) == 3
    for r in bad:
        assert r["rerun"]["reproduced"], r
    f = next(r for r in bad if r["test"] == "fails_on_even_seed")
    assert f["waves"] and Path(f["waves"]).stat().st_size > 0 and f["waves"].endswith(".fst")
    assert "even seed 2" in f["message"]


def test_junit_and_dynamic_covergroup_check(local_run):
    from junitparser import JUnitXml

    out, _, s, _ = local_run
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    cases = [c for suite in xml for c in suite]
    assert len(cases) == 10
    assert sum(1 for c in cases if not c.is_passed) == 3
    errs = s["consistency"]["covergroups"]
    assert len(errs) == 1 and "fake.never was never sampled" in errs[0]


def test_same_seed_reproduces_via_repro_line(local_run, fake):
    _, _, s, _ = local_run
    r = next(r for r in s["results"] if r["test"] == "fails_on_even_seed" and r["seed"] == 2)
    cmd = r["repro"].replace(".venv/bin/panacea-flow", FLOW)
    p = subprocess.run(
        cmd, shell=True, cwd=ROOT, env=fake[1], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 1 and "FAILED" in p.stdout, p.stdout + p.stderr


def test_dask_cluster_scheduler_and_two_worker_processes(fake, tmp_path):
    """A real deployment on loopback: `dask scheduler` and `dask worker --nworkers 2` as separate
    processes started outside the repository without PYTHONPATH (nothing of ours importable
    there), then the regression submits to the scheduler's address."""
    pytest.importorskip("distributed")
    from distributed import Client

    dask_cli = str(Path(PY).parent / "dask")
    with socket.socket() as s_:
        s_.bind(("127.0.0.1", 0))
        port = s_.getsockname()[1]
    addr = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cwd = tmp_path / "cluster"
    cwd.mkdir()
    procs = [
        subprocess.Popen(
            [dask_cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(cwd / "scheduler.log", "wb"),
            start_new_session=True,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [
                    dask_cli,
                    "worker",
                    addr,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                ],
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(cwd / "workers.log", "wb"),
                start_new_session=True,
            )
        )
        with Client(addr, timeout="60s") as client:
            client.wait_for_workers(2, timeout=60)
        rc, s, log = _regress(
            fake, tmp_path / "d", "--scheduler", addr, "--tests", "passes,must_fail", "--seeds", "3"
        )
    finally:
        for p in reversed(procs):
            try:
                os.killpg(p.pid, 15)
            except ProcessLookupError:
                pass
            p.wait(timeout=30)
    assert rc == 1, log  # the fake testplan's never-sampled covergroup
    assert s["counts"]["passed"] == 6, log
    assert "dask scheduler tcp://127.0.0.1" in s["meta"]["executor"]
    assert len({r["worker_pid"] for r in s["results"]}) == 2, "both workers must have run items"


def test_report_from_the_fake_run(local_run, fake, tmp_path):
    out, _, s, _ = local_run
    rep_dir = tmp_path / "report"
    p = subprocess.run(
        [
            FLOW,
            "cov-report",
            "--run",
            str(out),
            "--out",
            str(rep_dir),
            "--config",
            str(fake[0] / "regress.toml"),
            "--screenshot",
            "--strict",
        ],
        cwd=ROOT,
        env=fake[1],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert p.returncode == 3, p.stdout + p.stderr  # written, not sign-off ready
    rep = json.loads((rep_dir / "report.json").read_text())
    assert rep["functional"]["groups"]["fake.seeds"]["pct"] == 100.0
    assert rep["functional"]["groups"]["fake.never"]["waived"] == 1
    assert rep["functional"]["pct"] == 100.0  # the only hole is waived
    assert not rep["verdict"]["ready"]
    assert any("robustness is failing" in x for x in rep["verdict"]["reasons"])
    assert any("code coverage" in x for x in rep["verdict"]["reasons"])
    assert len(rep["failures"]) == 3
    assert [b["seen"] for b in rep["buckets"]] == ["NEW"] * 3
    assert any("no mutation campaign" in x for x in rep["verdict"]["reasons"])
    assert any("no formal results" in x for x in rep["verdict"]["reasons"])
    mine = [r for r in rep["trend"] if r["run_dir"] == str(out)]  # its row, reported
    assert len(mine) == 1 and mine[0]["ready"] == 0 and mine[0]["pass_rate"] == 70.0
    assert mine[0]["functional_pct"] == 100.0 and mine[0]["formal"] == "missing"
    assert (rep_dir / "trend.png").stat().st_size > 5000
    page = (rep_dir / "index.html").read_text()
    for text in (
        "Sign-off: NOT READY",
        "Testplan",
        "fake.seeds.parity",
        "Failing runs",
        "--test fails_on_even_seed --seed 2",
        "coverage_growth.png",
        "Failure buckets",
        '<span class="new">NEW</span>',
        "cocotb-assertion: even seed=&lt;n&gt;",
        "Mutation analysis",
        "Formal proofs",
        "trend.png",
        "expression coverage: ",
    ):
        assert text in page
    assert (rep_dir / "coverage_growth.png").stat().st_size > 1000
    if shutil.which("chromium"):
        png = rep_dir / "screenshot.png"
        assert png.exists() and png.stat().st_size > 20000, p.stdout
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # CI's check of a report (.ci/check_report.py) fails this one: Icarus, no code coverage
    chk = subprocess.run(
        [PY, str(ROOT / ".ci" / "check_report.py"), str(rep_dir)], capture_output=True, text=True
    )
    assert chk.returncode == 1, chk.stdout + chk.stderr
    assert "no annotated RTL source" in chk.stderr and "no sign-off verdict" not in chk.stderr
    assert "no section" not in chk.stderr, chk.stderr


def test_code_coverage_merge_and_genhtml(tmp_path):
    """Two synthetic Verilator coverage.dat files of pnc_fifo merge by adding counts."""
    src = ROOT / "rtl" / "pnc_fifo.sv"

    def point(line, typ, name, count):
        key = (
            f"\x01f\x02{src}\x01l\x02{line}\x01n\x020\x01t\x02{typ}\x01page\x02v_{typ}/"
            f"pnc_fifo\x01o\x02{name}\x01h\x02pnc_fifo"
        )
        return f"C '{key}' {count}\n"

    a, b = tmp_path / "a.dat", tmp_path / "b.dat"
    a.write_text(
        "# SystemC::Coverage-3\n"
        + point(47, "line", "block", 5)
        + point(48, "branch", "if", 0)
        + point(18, "toggle", "rst_ni:0->1", 0)
    )
    b.write_text(
        "# SystemC::Coverage-3\n"
        + point(47, "line", "block", 1)
        + point(48, "branch", "if", 2)
        + point(18, "toggle", "rst_ni:0->1", 0)
    )
    res = cov_report.code_coverage([str(a), str(b)], tmp_path)
    tot = res["total"]
    assert tot["line"]["pct"] == 100.0 and tot["branch"]["pct"] == 100.0
    assert tot["toggle"]["pct"] == 0.0
    merged = covdata.merge_code([covdata.read_verilator_dat(a), covdata.read_verilator_dat(b)])
    assert sorted(v[3] for v in merged.values()) == [0, 2, 6]
    if shutil.which("verilator_coverage") and shutil.which("genhtml"):
        assert res["tool_errors"] == [], res["tool_errors"]
        assert (tmp_path / "code" / "index.html").exists()
        assert res["files"][str(src)]["html"].endswith("pnc_fifo.sv.gcov.html")


def test_unit_bench_repro_line_names_its_bench():
    """A unit bench's repro line rebuilds that bench (top level, sources, parameters), not
    pnc_top; the full design's is `make sim`."""
    from verif.common.runner import all_rtl, repro_command

    assert repro_command(
        "verif.tests.unit.tb_pnc_axi_rd", None, "icarus", 1, "pnc_axi_rd", ["pnc_axi_rd"], {"NS": 3}
    ) == (
        ".venv/bin/panacea-flow sim --sim icarus --module verif.tests.unit.tb_pnc_axi_rd "
        "--seed 1 --toplevel pnc_axi_rd --rtl pnc_axi_rd --param NS=3"
    )
    assert repro_command(
        "verif.tests.uvm.tb_pnc_uvm",
        "T",
        "verilator",
        2,
        "pnc_top",
        all_rtl(),
        env={"PNC_JOBS": "5"},
    ) == ("PNC_JOBS=5 make sim SIM=verilator MODULE=verif.tests.uvm.tb_pnc_uvm TEST=T SEED=2")


def test_waiver_matching_needs_a_reason(tmp_path):
    w = tmp_path / "w.toml"
    w.write_text('[[waiver]]\nbin = "pnc.post.bias_sat32/low"\nreason = "unreachable"\n')
    ws = covdata.load_waivers(w)
    assert covdata.waiver_for("pnc.post.bias_sat32", "low", ws)
    assert not covdata.waiver_for("pnc.post.bias_sat32", "high", ws)
    w.write_text('[[waiver]]\nbin = "pnc.x"\n')
    with pytest.raises(ValueError):
        covdata.load_waivers(w)
