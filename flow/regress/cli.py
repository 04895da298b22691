"""`make regress` / `make nightly`: the testplan's tests over many seeds, in parallel.

    make regress LEVEL=smoke|nightly [SIM=icarus|verilator|both] [SEEDS=n] [JOBS=n]
                 [SEED_BASE=n] [SCHEDULER=tcp://host:port] [CONFIG=paper]

CONFIG (``$PANACEA_CONFIG``) names the architecture configuration (arch.toml [config.NAME]):
it is forwarded to every worker, recorded in the summary (meta.arch_config) and names the run
directory (<stamp>-<level>-<config> for any but the default) and the --report directory
(build/report-<config>; the default configuration's is build/report).

Each simulator configuration is built once (warm-up), then every (simulator, test, seed) runs
as its own cocotb run in its own process and directory (build/regress/<run>/<sim>/<test>/seed<n>)
under a per-test timeout, locally (JOBS processes) or on a Dask cluster (--scheduler). Results
go to <run>/summary.json and <run>/junit.xml, updated as runs finish; failing seeds are re-run
once with FST waveforms. The exit status is 0 only if every run met its expectation and the
testplan is consistent with the test module and the sampled coverage. See docs/regression.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from panacea import arch

from flow.regress import config as C
from flow.regress import covdata, history, results, triage
from flow.regress.pool import add_pool_options, open_pool, result_or_error
from verif.common.runner import repro_command

ROOT = C.ROOT
REGRESS_DIR = ROOT / "build" / "regress"
BUILD_TIMEOUT_S = 1800


def git_rev() -> str:
    """The checkout's short commit, ``-dirty`` when tracked files changed (``unknown`` off git)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            text=True,
            capture_output=True,
        ).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def repro(cfg: C.Config, sim: str, test: str, seed: int, env: dict[str, str]) -> str:
    """The one line that reruns this test and seed alone."""
    return repro_command(cfg.module, test, sim, seed, cfg.toplevel, cfg.rtl, env=env)


# --------------------------------------------------------------------------- progress
class Progress:
    """One status line: done/total, passed, failed, elapsed, ETA (a line per result off a tty)."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.passed, self.failed = total, 0, 0, 0
        self.t0 = time.monotonic()
        self.stream = stream
        self.tty = stream.isatty()

    @staticmethod
    def _hms(s: float) -> str:
        s = int(s)
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"

    def line(self) -> str:
        el = time.monotonic() - self.t0
        eta = el / self.done * (self.total - self.done) if self.done else float("nan")
        width = 24
        fill = int(width * self.done / self.total) if self.total else width
        bar = "#" * fill + "." * (width - fill)
        eta_s = self._hms(eta) if eta == eta else "?"
        return (
            f"[{bar}] {self.done}/{self.total} passed {self.passed} failed {self.failed} "
            f"elapsed {self._hms(el)} ETA {eta_s}"
        )

    def update(self, rec: dict) -> None:
        self.done += 1
        if rec["status"] == "passed":
            self.passed += 1
        else:
            self.failed += 1
        note = (
            ""
            if rec["status"] == "passed"
            else (
                f"  {rec['status'].upper()} {rec['sim']} {rec['test']} seed={rec['seed']}: "
                f"{rec['repro']}"
            )
        )
        if self.tty:
            if note:
                self.stream.write("\r\033[K" + note.strip() + "\n")
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + (("\n" + note) if note else "") + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")


# --------------------------------------------------------------------------- work items
def build_item(cfg: C.Config, sim: str, coverage: bool, waves: bool = False) -> dict:
    return {
        "sim": sim,
        "toplevel": cfg.toplevel,
        "rtl": cfg.rtl,
        "coverage": coverage,
        "waves": waves,
    }


def run_item(
    cfg: C.Config,
    spec: C.TestSpec,
    sim: str,
    seed: int,
    rundir: Path,
    coverage: bool,
    waves: bool = False,
) -> dict:
    tdir = rundir / sim / spec.name / (f"seed{seed}" + ("-waves" if waves else ""))
    return {
        "sim": sim,
        "toplevel": cfg.toplevel,
        "rtl": cfg.rtl,
        "module": cfg.module,
        "test": spec.name,
        "seed": seed,
        "coverage": coverage,
        "waves": waves,
        "test_dir": str(tdir),
        "env": spec.env,
        "timeout_s": spec.timeout_s.get(sim, 600.0),
        "expect": spec.expect,
    }


def submit(pool, what: str, item: dict, log: Path, timeout: float):
    cmd = [sys.executable, "-m", "flow.regress.worker", what, json.dumps(item)]
    # Remote workers have their own environment: forward the submitter's Python path and the
    # architecture configuration.
    env = {k: os.environ[k] for k in ("PYTHONPATH", arch.CONFIG_ENV) if os.environ.get(k)}
    return pool.submit(cmd, str(ROOT), str(log), timeout, env)


def record(cfg: C.Config, item: dict, ex: dict | BaseException, log: Path) -> dict:
    """Turn an executed item into a result record (status from results.xml, not exit codes)."""
    tdir = Path(item["test_dir"])
    rec = {
        "test": item["test"],
        "seed": item["seed"],
        "sim": item["sim"],
        "module": cfg.module,
        "testpoints": C.testpoints_of(cfg, item["test"]),
        "expect": item["expect"],
        "status": "error",
        "sim_time_ns": None,
        "wall_s": 0.0,
        "message": "",
        "repro": repro(cfg, item["sim"], item["test"], item["seed"], item["env"]),
        "log": str(tdir / "sim.log" if (tdir / "sim.log").exists() else log),
        "worker_log": str(log),
        "run_dir": str(tdir),
        "waves": None,
        "coverage_files": [],
        "code_coverage": None,
        "host": None,
        "worker_pid": None,
    }
    if isinstance(ex, BaseException):
        rec["message"] = f"work item lost: {type(ex).__name__}: {ex}"
        return rec
    rec.update(wall_s=round(ex["wall_s"], 3), host=ex["host"], worker_pid=ex["worker_pid"])
    res = results.read_cocotb_results(tdir / "results.xml", item["test"])
    if ex["timed_out"]:
        rec["status"] = "timeout"
        rec["message"] = f"timeout after {item['timeout_s']:.0f} s (process group killed)"
    elif res is None or res["cocotb_status"] == "skipped":
        rec["status"] = "error"
        rec["message"] = (
            results.first_error_line(log)
            or f"no result for {item['test']} (exit status {ex['rc']}): "
            "simulator crash or build error"
        )
    else:
        rec["sim_time_ns"] = res["sim_time_ns"]
        ok = res["cocotb_status"] == ("failed" if item["expect"] == "fail" else "passed")
        rec["status"] = "passed" if ok else "failed"
        if not ok:
            rec["message"] = (
                "negative test passed: it must fail"
                if item["expect"] == "fail"
                else (
                    res["message"]
                    or results.first_error_line(tdir / "sim.log")
                    or "cocotb test failed"
                )
            )
    rec["coverage_files"] = sorted(str(p) for p in (tdir / "coverage").glob("*.xml"))
    if (tdir / "coverage.dat").exists():
        rec["code_coverage"] = str(tdir / "coverage.dat")
    return rec


def error_record(cfg, item, message, log) -> dict:
    rec = record(cfg, item, RuntimeError(message), log)
    rec["message"] = message
    return rec


# --------------------------------------------------------------------------- main flow
def covergroup_errors(cfg: C.Config, recs: list[dict]) -> list[str]:
    """A covergroup named by a testpoint whose tests ran must have been sampled by them."""
    errors = []
    for tp in cfg.testplan:
        runs = [r for r in recs if r["test"] in tp.get("tests", []) and r["coverage_files"]]
        ran = [r for r in recs if r["test"] in tp.get("tests", [])]
        if not tp.get("covergroups") or not ran:
            continue
        dbs = []
        for r in runs:
            for f in r["coverage_files"]:
                try:
                    dbs.append(covdata.read_functional(Path(f)))
                except Exception:  # a truncated export from a crashed run
                    pass
        sampled = covdata.sampled_groups(covdata.merge_functional(dbs))
        for g in tp["covergroups"]:
            if g not in sampled:
                errors.append(
                    f"testpoint {tp['name']}: covergroup {g} was never sampled by "
                    f"{', '.join(tp['tests'])} ({len(runs)} runs with coverage)"
                )
    return errors


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--level", default="smoke")
    ap.add_argument("--sim", default="both", choices=["icarus", "verilator", "both"])
    ap.add_argument("--seeds", type=int, default=None, help="seeds per test (default: level's)")
    ap.add_argument("--seed-base", type=int, default=1, help="first seed (seeds are consecutive)")
    add_pool_options(ap, jobs=os.cpu_count() or 2)
    ap.add_argument("--tests", default=None, help="comma-separated subset of the level's tests")
    ap.add_argument("--config", default=None, help="regression config (default verif/regress.toml)")
    ap.add_argument("--out", default=None, help="run directory (default build/regress/<stamp>)")
    ap.add_argument("--no-code-coverage", action="store_true")
    ap.add_argument("--no-rerun", action="store_true", help="do not re-run failures with waves")
    ap.add_argument("--check-only", action="store_true", help="consistency check only")
    ap.add_argument("--report", action="store_true", help="then write the coverage report")
    ap.add_argument(
        "--history",
        default=None,
        help="history database (default [signoff.history] path, build/history.sqlite)",
    )
    args = ap.parse_args(argv)

    cfg = C.load(args.config)
    static_errors = C.consistency_errors(cfg)
    for e in static_errors:
        print(f"consistency: {e}", file=sys.stderr)
    if args.check_only:
        print(f"consistency: {len(static_errors)} problems")
        return 1 if static_errors else 0

    level = cfg.level(args.level)
    sims = list(C.SIMULATORS) if args.sim == "both" else [args.sim]
    nseeds = args.seeds if args.seeds is not None else int(level.get("seeds", 4))
    seeds = list(range(args.seed_base, args.seed_base + nseeds))
    specs = cfg.level_tests(args.level)
    if args.tests:
        want = args.tests.split(",")
        specs = [s for s in specs if s.name in want]
    code_cov = bool(level.get("code_coverage", False)) and not args.no_code_coverage

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    arch_config = arch.selected()
    arch.resolve(arch.load_raw(), arch_config)  # an unknown name: one clear error, no run
    tag = "" if arch_config == arch.DEFAULT else f"-{arch_config}"
    # Absolute: simulators run with their test directory as cwd.
    rundir = Path(args.out).resolve() if args.out else REGRESS_DIR / f"{stamp}-{args.level}{tag}"
    rundir.mkdir(parents=True, exist_ok=True)
    if not args.out:
        latest = REGRESS_DIR / "latest"
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(rundir.name)

    pool, cluster = open_pool(args.jobs, args.scheduler, args.local_cluster)
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "git_rev": git_rev(),
        "level": args.level,
        "sims": sims,
        "seeds": seeds,
        "seed_base": args.seed_base,
        "tests": [s.name for s in specs],
        "jobs": pool.jobs,
        "executor": pool.describe(),
        "code_coverage": code_cov,
        "config": str(cfg.path),
        "arch_config": arch_config,
        "module": cfg.module,
        "toplevel": cfg.toplevel,
        "run_dir": str(rundir),
        "command": " ".join(shlex.quote(a) for a in [sys.argv[0], *(argv or sys.argv[1:])]),
    }
    print(
        f"regress: level {args.level}, config {arch_config}, {len(specs)} tests x "
        f"{len(seeds)} seeds x {'+'.join(sims)} on {pool.describe()}; run dir {rundir}",
        flush=True,
    )
    t0 = time.monotonic()
    recs: list[dict] = []

    def save(final: bool = False, extra: dict | None = None) -> dict:
        triage.annotate(recs)
        summary = {
            "meta": {**meta, "wall_s": round(time.monotonic() - t0, 1), "final": final},
            "counts": results.counts(recs),
            "buckets": triage.buckets(recs),
            "results": recs,
            **(extra or {}),
        }
        results.write_json(summary, rundir / "summary.json")
        results.write_junit(recs, rundir / "junit.xml", f"panacea.{args.level}")
        return summary

    try:
        # 1. warm-up: one build per simulator configuration; 2. as soon as a simulator's build
        # is ready, fan out its (test, seed) items, each in its own process and directory.
        items = {
            sim: [
                run_item(cfg, spec, sim, seed, rundir, code_cov and sim == "verilator")
                for spec in specs
                if spec.sims is None or sim in spec.sims
                for seed in seeds[: spec.max_seeds or len(seeds)]
            ]
            for sim in sims
        }
        prog = Progress(sum(len(v) for v in items.values()))
        pending: dict = {}
        for sim in sims:
            cov = code_cov and sim == "verilator"
            log = rundir / "builds" / f"{sim}{'-cov' if cov else ''}.log"
            pending[submit(pool, "build", build_item(cfg, sim, cov), log, BUILD_TIMEOUT_S)] = (
                "build",
                sim,
                log,
            )
        while pending:
            done, _ = pool.wait_first(set(pending))
            for fut in done:
                kind, x, log = pending.pop(fut)
                ex = result_or_error(pool, fut)
                if kind == "run":
                    rec = record(cfg, x, ex, log)
                    recs.append(rec)
                    prog.update(rec)
                    save()
                    continue
                ok = isinstance(ex, dict) and ex["rc"] == 0 and not ex["timed_out"]
                why = "" if isinstance(ex, dict) else f" ({type(ex).__name__}: {ex})"
                if prog.tty:
                    sys.stderr.write("\r\033[K")
                print(f"build {x}: {'ready' if ok else 'FAILED, see ' + str(log)}{why}", flush=True)
                for it in items[x]:
                    if ok:
                        ilog = Path(it["test_dir"] + ".log")
                        pending[submit(pool, "run", it, ilog, it["timeout_s"])] = ("run", it, ilog)
                    else:
                        rec = error_record(cfg, it, f"build failed: {log}{why}", log)
                        recs.append(rec)
                        prog.update(rec)
                save()
        prog.finish()

        # 3. failing seeds once more with waveforms (same seed: it must fail the same way)
        bad = [
            r
            for r in recs
            if r["status"] != "passed" and not r["message"].startswith("build failed")
        ]
        if bad and not args.no_rerun:
            print(f"re-running {len(bad)} failing seeds with waveforms (FST)", flush=True)
            spec_of = {s.name: s for s in specs}
            futs = {}
            for r in bad:
                it = run_item(
                    cfg, spec_of[r["test"]], r["sim"], r["seed"], rundir, False, waves=True
                )
                log = Path(it["test_dir"] + ".log")
                futs[submit(pool, "run", it, log, it["timeout_s"])] = (r, it, log)
            for fut in pool.as_completed(list(futs)):
                r, it, log = futs.pop(fut)
                ex = result_or_error(pool, fut)
                rr = record(cfg, it, ex, log)
                wave = Path(it["test_dir"]) / "waves.fst"
                r["waves"] = str(wave) if wave.exists() else None
                r["rerun"] = {
                    "status": rr["status"],
                    "log": rr["log"],
                    "message": rr["message"],
                    "reproduced": rr["status"] == r["status"],
                }
                save()

        # 4. consistency: testplan <-> tests <-> sampled covergroups
        dyn_errors = covergroup_errors(cfg, recs)
        for e in dyn_errors:
            print(f"consistency: {e}", file=sys.stderr)
        cons = {
            "consistency": {
                "static": static_errors,
                "covergroups": dyn_errors,
                "ok": not static_errors and not dyn_errors,
            }
        }
        summary = save(final=True, extra=cons)
    finally:
        pool.close()
        if cluster is not None:
            cluster.close()

    n = summary["counts"]
    bad = len(recs) - n["passed"]
    print(
        f"regress: {n['passed']} passed, {bad} failed ({n['failed']} failed, "
        f"{n['timeout']} timeout, {n['error']} error) in {summary['meta']['wall_s']:.0f} s; "
        f"summary {rundir / 'summary.json'}, junit {rundir / 'junit.xml'}"
    )
    buckets = summary["buckets"]
    hist = C.signoff_path(cfg, "history", "build/history.sqlite", args.history)
    try:
        history.record_run(hist, summary)
        buckets = history.mark_buckets(hist, [summary["meta"]["run_dir"]], buckets)
    except (sqlite3.Error, OSError) as exc:
        print(f"regress: history database {hist} not updated: {exc}", file=sys.stderr)
    for b in buckets:
        seen = {"NEW": " NEW", "KNOWN": f" KNOWN since {b.get('first_seen')}"}.get(
            b.get("seen"), ""
        )
        where = f"{', '.join(b['tests'])} on {'+'.join(b['sims'])}, seeds {b['seeds']}"
        w = f" waves: {b['waves']}" if b.get("waves") else ""
        print(
            f"  bucket {b['id']} x{b['count']}{seen}: {b['signature'][:140]}\n"
            f"          {where}\n          rerun: {b['repro']}{w}"
        )
    rc = 0 if bad == 0 and cons["consistency"]["ok"] else 1
    if args.report:
        rep = subprocess.run(
            [
                sys.executable,
                "-m",
                "flow.cov_report",
                "--run",
                str(rundir),
                "--config",
                str(cfg.path),
                "--history",
                str(hist),
                "--out",
                str(ROOT / "build" / ("report" + tag)),
            ],
            cwd=ROOT,
        )
        rc = rc or (rep.returncode if rep.returncode not in (0, 3) else 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
