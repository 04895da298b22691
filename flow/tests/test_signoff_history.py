"""Failure buckets, the history database and the READY rule's mutation and formal inputs.

No simulator: result records, summaries, mutate.json and formal.json are synthetic, written to
a temporary directory, and read by the same functions `make regress` and `make cov-report` use.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from flow import cov_report
from flow import formal as F
from flow.regress import config as C
from flow.regress import history, signoff, triage

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- buckets
def _rec(tmp: Path, test, seed, sim, status, message="", log_text=None) -> dict:
    log = tmp / f"{sim}-{test}-{seed}.log"
    log.write_text(log_text if log_text is not None else "")
    return {
        "test": test,
        "seed": seed,
        "sim": sim,
        "status": status,
        "message": message,
        "repro": f"make sim SIM={sim} TEST={test} SEED={seed}",
        "log": str(log),
        "waves": None,
    }


def test_mask_hides_numbers_paths_hex_seeds_and_times():
    line = (
        "%Error: /work/x/rtl/pnc_fifo.sv:73: job 12 wrote 0x1F at 150.00ns seed=7 "
        "(see build/regress/a/b.log), expected -3"
    )
    assert triage.mask(line) == (
        "%Error: <path>:<n>: job <n> wrote <hex> at <time> seed=<n> (see <path>), expected <n>"
    )
    assert triage.mask("u_pea0 and pnc_top.u_pea[3] in 32'hdeadbeef") == (
        "u_pea0 and pnc_top.u_pea[<n>] in <hex>"
    )


def test_same_bug_on_other_seeds_tests_and_sims_is_one_bucket(tmp_path):
    sb = "scoreboard: {n} problems, first: job {j}: element: tile 0 row {r}: expected 0x{e:x} "
    sb += "got {g}"
    rtl = (
        "%Error: /x/rtl/pnc_fifo.sv:80: Assertion failed in TOP.pnc_top.u_ofifo: "
        "[pnc_top.u_ofifo] out_data_o changed while stalled\n"
    )
    recs = [
        _rec(tmp_path, "A", 1, "icarus", "failed", sb.format(n=3, j=1, r=2, e=17, g=5)),
        _rec(tmp_path, "A", 4, "verilator", "failed", sb.format(n=9, j=0, r=7, e=255, g=-1)),
        _rec(tmp_path, "B", 2, "icarus", "failed", sb.format(n=1, j=5, r=0, e=1, g=0)),
        _rec(tmp_path, "A", 3, "verilator", "failed", "cocotb test failed", rtl),
        _rec(
            tmp_path, "C", 2, "verilator", "timeout", "timeout after 600 s (process group killed)"
        ),
        _rec(
            tmp_path, "C", 5, "verilator", "timeout", "timeout after 300 s (process group killed)"
        ),
        # the simulator died: no results.xml, only the worker's exception line; its log is kept
        _rec(tmp_path, "D", 1, "icarus", "error", "ERROR: RuntimeError: Command failed: 139", ""),
        _rec(tmp_path, "E", 1, "icarus", "failed", "negative test passed: it must fail"),
        _rec(tmp_path, "A", 9, "icarus", "passed"),
    ]
    triage.annotate(recs)
    bs = triage.buckets(recs)
    by_kind = {b["kind"]: b for b in bs}
    assert [b["count"] for b in bs] == [3, 2, 1, 1, 1]
    sbb = by_kind["scoreboard"]
    assert sbb["signature"] == (
        "scoreboard: job <n>: element: tile <n> row <n>: expected <hex> got <n>"
    )
    assert sbb["tests"] == ["A", "B"] and sbb["sims"] == ["icarus", "verilator"]
    assert sbb["seeds"] == [1, 2, 4] and sbb["repro"].endswith("TEST=A SEED=1")
    assert by_kind["rtl-assertion"]["signature"] == (
        "rtl-assertion: u_ofifo: out_data_o changed while stalled"
    )
    assert by_kind["timeout"]["count"] == 2
    crash = by_kind["crash"]
    assert crash["statuses"] == ["error"] and Path(crash["log"]).exists()
    assert "negative-test" in by_kind
    assert all(r.get("bucket") for r in recs if r["status"] != "passed")
    assert "bucket" not in recs[-1]


def test_crash_takes_the_signal_from_the_simulator_log(tmp_path):
    r = _rec(
        tmp_path,
        "T",
        3,
        "verilator",
        "error",
        "ERROR: RuntimeError: rc 139",
        "x\nSegmentation fault (core dumped)\n",
    )
    assert triage.signature(r) == "crash: Segmentation fault (core dumped)"


# --------------------------------------------------------------------------- history
def _summary(run_dir, date, rev, level, counts, buckets, arch_config=None):
    return {
        "meta": {
            "run_dir": run_dir,
            "date": date,
            "git_rev": rev,
            "level": level,
            **({"arch_config": arch_config} if arch_config else {}),
            "sims": ["icarus"],
            "seeds": [1, 2],
        },
        "counts": {"passed": 0, "failed": 0, "timeout": 0, "error": 0} | counts,
        "buckets": buckets,
    }


def _bucket(sig, count=1):
    return {
        "id": triage.bucket_id(sig),
        "signature": sig,
        "kind": sig.split(":")[0],
        "count": count,
        "tests": ["T"],
        "sims": ["icarus"],
        "seeds": [1],
        "repro": "make sim TEST=T SEED=1",
    }


def test_history_trend_and_new_known_buckets(tmp_path):
    db = tmp_path / "h" / "history.sqlite"
    old = _bucket("timeout: timeout after <time>")
    flaky = _bucket("cocotb-assertion: even seed=<n>")
    fresh = _bucket("scoreboard: job <n>: counter: PE_BUSY=<n>, expected <n>", 2)
    runs = [
        ("/r/1", "2026-11-28T02:00:00", "aaaaaaa1", "nightly", {"passed": 10}, []),
        ("/r/2", "2026-11-29T02:00:00", "aaaaaaa2", "nightly", {"passed": 9, "timeout": 1}, [old]),
        ("/r/s", "2026-11-29T09:00:00", "aaaaaaa2", "smoke", {"passed": 3, "failed": 1}, [flaky]),
        ("/r/3", "2026-11-30T02:00:00", "aaaaaaa3", "nightly", {"passed": 7, "failed": 2}, []),
    ]
    for d, date, rev, lvl, c, bs in runs:
        history.record_run(db, _summary(d, date, rev, lvl, c, bs))
    history.record_signoff(db, ["/r/1"], {"functional_pct": 90.0, "line_pct": 80.0, "ready": 0})
    history.record_signoff(
        db, ["/r/2"], {"functional_pct": 95.5, "kill_rate": 88.0, "formal": "pass", "ready": 0}
    )
    # the newest night: the old timeout again, the smoke run's failure, and a new one
    s = _summary(
        "/r/4",
        "2026-12-01T02:00:00",
        "aaaaaaa4",
        "nightly",
        {"passed": 6, "failed": 4},
        [old, flaky, fresh],
    )
    history.record_run(db, s)
    history.record_run(db, s)  # idempotent: a re-recorded run keeps one row and its buckets
    marked = {b["signature"]: b for b in history.mark_buckets(db, ["/r/4"], s["buckets"])}
    assert marked[fresh["signature"]]["seen"] == "NEW"
    k = marked[old["signature"]]
    assert k["seen"] == "KNOWN" and k["first_seen"] == "2026-11-29T02:00:00"
    assert k["first_rev"] == "aaaaaaa2" and k["runs_seen"] == 1
    assert marked[flaky["signature"]]["first_seen"] == "2026-11-29T09:00:00"  # any level
    # seen from the earlier run, the later ones do not count: that run's bucket was NEW
    assert history.mark_buckets(db, ["/r/2"], [old])[0]["seen"] == "NEW"

    t = history.trend(db, ["nightly"])
    assert [r["run_dir"] for r in t] == ["/r/1", "/r/2", "/r/3", "/r/4"]
    assert [r["pass_rate"] for r in t] == [100.0, 90.0, 77.78, 60.0]
    assert [r["buckets"] for r in t] == [0, 1, 0, 3]
    assert t[1]["kill_rate"] == 88.0 and t[1]["formal"] == "pass" and t[0]["line_pct"] == 80.0
    assert t[3]["functional_pct"] is None  # no report yet
    assert len(history.trend(db)) == 5 and len(history.trend(db, ["nightly"], limit=2)) == 2
    png = history.plot_trend(t, tmp_path / "trend.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    with pytest.raises(ValueError, match="unknown history columns"):
        history.record_signoff(db, ["/r/1"], {"nonsense": 1})


def test_history_is_per_configuration(tmp_path):
    """A bucket first seen on the paper build is NEW on the default build, and each build's
    trend holds only its own runs; a database without the column gains it as 'default'."""
    db = tmp_path / "history.sqlite"
    with closing(sqlite3.connect(db)) as old_db, old_db:  # the schema before configurations
        old_db.execute(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, run_dir TEXT UNIQUE NOT NULL, "
            "date TEXT NOT NULL, git_rev TEXT, level TEXT, sims TEXT, seeds TEXT, "
            "runs INTEGER, passed INTEGER, failed INTEGER, timeout INTEGER, "
            "error INTEGER, pass_rate REAL, functional_pct REAL, line_pct REAL, "
            "branch_pct REAL, toggle_pct REAL, expr_pct REAL, kill_rate REAL, "
            "formal TEXT, ready INTEGER, reported TEXT)"
        )
        old_db.execute(
            "INSERT INTO runs (run_dir, date, level) "
            "VALUES ('/r/0', '2026-11-27T02:00:00', 'nightly')"
        )
    bug = _bucket("scoreboard: job <n>: output byte <n> differs")
    history.record_run(
        db, _summary("/r/p", "2026-11-28T02:00:00", "b1", "nightly", {"failed": 1}, [bug], "paper")
    )
    history.record_run(
        db, _summary("/r/d", "2026-11-29T02:00:00", "b2", "nightly", {"failed": 1}, [bug])
    )
    history.record_run(
        db, _summary("/r/p2", "2026-11-30T02:00:00", "b3", "nightly", {"failed": 1}, [bug], "paper")
    )
    assert history.mark_buckets(db, ["/r/d"], [bug])[0]["seen"] == "NEW"
    k = history.mark_buckets(db, ["/r/p2"], [bug])[0]
    assert k["seen"] == "KNOWN" and k["first_rev"] == "b1" and k["runs_seen"] == 1
    dflt = history.trend(db, ["nightly"], configs=["default"])
    assert [r["run_dir"] for r in dflt] == ["/r/0", "/r/d"]
    assert [r["run_dir"] for r in history.trend(db, configs=["paper"])] == ["/r/p", "/r/p2"]


# --------------------------------------------------------------------------- READY inputs
@pytest.fixture
def cfg(tmp_path):
    """The real regress.toml with the mutation and formal paths pointed into tmp_path."""
    text = (ROOT / "verif" / "regress.toml").read_text()
    for name in ("mutate", "formal"):
        old = f'path = "build/{name}/{name}.json"'
        assert old in text
        text = text.replace(old, f'path = "{tmp_path}/{name}.json"')
    p = tmp_path / "verif" / "regress.toml"
    p.parent.mkdir()
    p.write_text(text)
    return C.load(p)


def _mutate_json(path, level="nightly", rev="0123456789ab", killed=96, total=100, eq=0, limit=None):
    path.write_text(
        json.dumps(
            {
                "meta": {
                    "level": level,
                    "git_rev": rev,
                    "count": total,
                    "generated": limit or total,
                },
                "counts": {"kill_rate": round(100.0 * killed / (total - eq), 2)},
                "mutants": [{"status": "survived"}] * (total - eq - killed),
            }
        )
    )


def test_mutation_needs_a_complete_nightly_campaign_of_this_commit(cfg, tmp_path):
    mj = tmp_path / "mutate.json"
    assert cfg.signoff["mutation"]["kill_pct"] == 95.0
    m = signoff.mutation(cfg, "0123456789ab")
    assert not m["ok"] and "no mutation campaign" in m["reasons"][0]
    assert "run make mutate LEVEL=nightly" in m["reasons"][0]
    _mutate_json(mj)
    m = signoff.mutation(cfg, "0123456789ab-dirty")
    assert m["ok"] and m["reasons"] == [] and m["kill_rate"] == 96.0
    m = signoff.mutation(cfg, "fedcba987654")
    assert not m["ok"] and m["kill_rate"] is None
    assert m["reasons"] == [
        "no mutation campaign at nightly level for this commit fedcba987654 (mutate.json is of "
        "0123456789ab): run make mutate LEVEL=nightly"
    ]
    _mutate_json(mj, killed=88)
    m = signoff.mutation(cfg, "0123456789ab")
    assert m["reasons"] == [
        "mutation kill rate 88.0 % < threshold 95 % (12 holes, see the Mutation section)"
    ]
    _mutate_json(mj, level="smoke")
    m = signoff.mutation(cfg, "0123456789ab")
    assert not m["ok"] and "at level smoke, sign-off needs nightly" in m["reasons"][0]
    _mutate_json(mj, limit=20)
    assert "partial (20 of 100" in signoff.mutation(cfg, "0123456789ab")["reasons"][0]


def _formal_json(path, **change):
    targets = []
    for t in F.load_targets(sorted(F.FORMAL_DIR.glob("*.sby"))):
        d = {
            "name": t.name,
            "status": "PASS",
            "method": "k-induction" if t.mode == "prove" else "bmc",
            "depth": t.depth,
            "k": 3 if t.mode == "prove" else None,
            "seconds": 1.5,
            "assumptions": 2,
            "log": f"build/formal/{t.name.replace(':', '_')}/logfile.txt",
            "vcd": [],
            "failed": [],
        }
        targets.append(d | change.get(t.name, {}))
    targets = [t for t in targets if t.get("status") != "drop"]
    path.write_text(json.dumps({"tool": "sby", "wall_seconds": 9.0, "targets": targets}))
    return targets


def test_formal_needs_every_target_proved_or_deep_enough_bmc(cfg, tmp_path):
    fj = tmp_path / "formal.json"
    f = signoff.formal(cfg, "0123456789ab")
    assert not f["ok"] and f["reasons"] == [
        f"no formal results ({fj} missing or unreadable): run make formal"
    ]
    names = [t["name"] for t in _formal_json(fj)]
    assert len(names) >= 3
    f = signoff.formal(cfg, "0123456789ab")
    assert f["ok"], f["reasons"]
    assert all(t["verdict"] == "ok" for t in f["targets"])
    a, b, c = names[:3]
    _formal_json(
        fj,
        **{
            a: {"method": "bmc", "depth": 12, "k": None},
            b: {"status": "FAIL", "failed": ["props.NoOverflow at x.sv:73 (step 4)"]},
            c: {"status": "drop"},
        },
    )
    f = signoff.formal(cfg, "0123456789ab")
    assert not f["ok"]
    assert f"formal target {a}: BMC depth 12 < 20 required" in f["reasons"]
    assert f"formal target {b}: FAIL (props.NoOverflow at x.sv:73 (step 4))" in f["reasons"]
    assert any(
        r.startswith("formal targets missing from formal.json: ") and c in r for r in f["reasons"]
    )
    # results older than the last commit that changed rtl/ or formal/ are stale
    _formal_json(fj)
    os.utime(fj, (1_000_000_000, 1_000_000_000))
    f = signoff.formal(cfg, "0123456789ab")
    assert not f["ok"] and "older than the last change of rtl/ or formal/" in f["reasons"][0]


def test_verdict_lists_every_reason_and_expression_note():
    fstats = {"pct": 100.0, "bins": 10, "waived": 0, "hit": 10}
    code = {"total": {t: {"pct": 99.0, "points": 10, "hit": 9} for t in ("line", "branch")}}
    v = cov_report.verdict(
        [], fstats, code, {"line": 90.0}, 100.0, True, ["mutation x", "formal y"]
    )
    assert not v["ready"] and v["reasons"] == ["mutation x", "formal y"]
    assert cov_report.verdict([], fstats, code, {"line": 90.0}, 100.0, True)["ready"]
    old = cov_report.expr_note(code, {"supported": False, "version": "5.006"})
    assert old == "expression coverage: needs Verilator >= 5.018, this is 5.006"
    new = cov_report.expr_note(code, {"supported": True, "version": "5.048"})
    assert "not collected" in new and "--coverage-expr" in new
    code["total"]["expr"] = {"pct": 50.0, "points": 4, "hit": 2}
    assert cov_report.expr_note(code, {"supported": True, "version": "5.048"}) == ""


def test_mutation_section_is_embedded_with_its_plots(cfg, tmp_path):
    """make mutate's own report.html section and plots, written by flow.mutate.report from a
    complete nightly campaign of this commit, end up in the sign-off report's directory."""
    from flow.mutate import report as MR

    muts = [
        {
            "id": i,
            "module": "pnc_fifo",
            "status": "killed",
            "activated_by": [["T", 1]],
            "kill": {"kind": "check", "test": "T", "seed": 1},
        }
        for i in range(1, 20)
    ]
    muts.append(
        {
            "id": 20,
            "module": "pnc_fifo",
            "status": "survived",
            "activated_by": [["T", 1]],
            "src": "rtl/pnc_fifo.sv:80",
            "line_text": "assign full_o = count_q == Depth;",
            "description": "stuck at 0: $eq Y[0]",
            "equivalence": {"status": "not_equivalent"},
            "repro": "python -m flow.mutate run --mutant 20",
        }
    )
    summary = {
        "meta": {
            "level": "nightly",
            "tests": ["T"],
            "seeds": [1],
            "count": 20,
            "generated": 20,
            "git_rev": "0123456789ab",
            "date": "2026-12-01T02:00:00",
            "eq_depth": 10,
        },
        "mutants": muts,
    }
    MR.finalize(summary)
    mdir = tmp_path / "mutate_out"
    mdir.mkdir()
    MR.write_fragment(summary, mdir)
    mj = tmp_path / "mutate.json"
    mj.write_text(json.dumps(summary))
    (mdir / "report.html").rename(tmp_path / "report.html")
    for p in mdir.glob("*.png"):
        p.rename(tmp_path / p.name)
    m = signoff.mutation(cfg, "0123456789ab")
    assert m["ok"] and m["kill_rate"] == 95.0, m["reasons"]
    assert [Path(p).name for p in m["plots"]] == ["mutation_by_module.png", "mutation_by_test.png"]
    out = tmp_path / "report"
    out.mkdir()
    html = cov_report.embed_mutation(m, out)
    assert '<section id="mutation">' in html and "rtl/pnc_fifo.sv:80" in html
    assert 'src="mutation/mutation_by_module.png"' in html
    assert (out / "mutation" / "mutation_by_test.png").stat().st_size > 1000
    page = cov_report.render_mutation(m, html)
    assert "meets the sign-off threshold" in page
