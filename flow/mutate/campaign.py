"""A mutation campaign: generate (or reuse) the mutation netlist, build it once, run the
activation pass, run the activated mutants' tests until the first kill, triage the rest with
formal equivalence, and write ``mutate.json`` plus the report fragment.

Work items go through the regression machinery (:mod:`flow.regress`): the same worker
(``python -m flow.regress.worker build|run``), the same local process pool or Dask scheduler,
results read from cocotb's results.xml, every run in its own process group under a timeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shlex
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flow.regress import config as C
from flow.regress import results as R
from flow.regress.cli import git_rev, submit
from flow.regress.pool import open_pool, result_or_error

from . import design, equiv, netlist, report

ROOT = design.ROOT
SIM = "verilator"  # the mutation netlist runs on Verilator only (speed, assertions)
BUILD_TIMEOUT_S = 3600


@dataclass
class Options:
    level: str = "smoke"
    count: int | None = None
    seed: int | None = None
    seeds: int | None = None
    seed_base: int = 1
    jobs: int = 2
    scheduler: str | None = None
    local_cluster: int = 0
    tests: list[str] | None = None
    min_per_module: int | None = None
    depth: int | None = None
    eq_timeout: float | None = None
    equiv: bool = True
    out: Path = ROOT / "build" / "mutate"
    config: Path | None = None
    limit: int | None = None  # run only the first N mutants (a quick look; not sign-off)
    reuse: Path | None = None  # mutate.json of an earlier campaign: take over its kills
    auto_reuse: bool = True  # nightly: take over out/mutate-smoke.json of the same netlist
    ids: list[int] | None = None  # run only these mutants (not sign-off)


def settings(cfg: C.Config) -> dict:
    """The [mutate] table of the regression config with its defaults."""
    raw = tomllib.loads(cfg.path.read_text()).get("mutate", {})
    return {
        "count": 300,
        "seed": 1,
        "min_per_module": 3,
        "eq_depth": 10,
        "eq_timeout_s": 60,
        # The triage ladder (flow/mutate/equiv.py): rungs in order, the equiv flow's -seq, the
        # SymbiYosys k-induction depth; eq_depth is the sat rung's, eq_timeout_s is per rung
        # (one number, or a table by level like seeds).
        "eq_rungs": ["equiv", "sby"],
        "eq_seq": 4,
        "eq_sby_depth": 20,
        "seeds": {"smoke": 1, "nightly": 1},
        **raw,
    }


def per_level(st: dict, key: str, level: str) -> float:
    """A [mutate] setting that is one number or a table by level (``{ smoke = 1, ... }``)."""
    v = st[key]
    if not isinstance(v, dict):
        return float(v)
    if level not in v:
        raise design.MutateError(
            f"[mutate] {key} = {v}: no value for level {level!r}; add `{level} = ...`"
        )
    return float(v[level])


# --------------------------------------------------------------------------- generation
def generation_key(count: int, seed: int, min_per_module: int, top: str) -> str:
    h = hashlib.sha1()
    # What the netlist depends on: the RTL and the two modules that write it.
    for p in [
        *design.rtl_files(),
        design.ASSERT_SVH,
        Path(design.__file__),
        Path(netlist.__file__),
    ]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    h.update(f"{count}/{seed}/{min_per_module}/{top}".encode())
    return h.hexdigest()[:12]


# The verdict for a mutant whose multiplexer Yosys' opt_clean removed from the flattened
# netlist: the mutated bit has no reader, which is a structural proof of equivalence.
UNLOADED = {
    "status": "equivalent",
    "detail": "structural: the mutated bit drives no logic (opt_clean removed its multiplexer)",
    "depth": 0,
    "rung": "structural",
    "seconds": 0.0,
    "log": "",
    "rungs": [],
}


def generate(
    out: Path, top: str, count: int, seed: int, min_per_module: int, log=print
) -> tuple[Path, dict]:
    """The generation directory and its meta (mutants, netlist); reused when it exists."""
    key = generation_key(count, seed, min_per_module, top)
    gdir = out / "gen" / key
    meta_path = gdir / "generation.json"
    if meta_path.exists():
        log(f"mutate: reusing the mutation netlist {design.rel(gdir)}")
        return gdir, json.loads(meta_path.read_text())
    t0 = time.monotonic()
    log(f"mutate: elaborating the RTL with Yosys into {design.rel(gdir)}")
    el = design.elaborate(gdir, top)
    alloc = design.allocate(el.sizes, count, min_per_module)
    mutants = design.list_mutations(el, gdir, alloc, seed)
    log(f"mutate: {len(mutants)} mutants over {len(alloc)} modules; building the netlist")
    nl = design.build_netlist(el, mutants, gdir)
    if nl.unloaded:
        log(f"mutate: mutants {nl.unloaded} drive no logic (structurally equivalent)")
    meta = {
        "key": key,
        "top": top,
        "count": len(mutants),
        "seed": seed,
        "min_per_module": min_per_module,
        "mutsel_width": nl.mutsel_width,
        "netlist": design.rel(nl.netlist),
        "wrapper": design.rel(nl.wrapper),
        "design_il": design.rel(el.design_il),
        "design_json": design.rel(el.design_json),
        "assertions_in_netlist": nl.assertions,
        "unloaded": nl.unloaded,
        "assertions_in_design": el.assertions,
        "candidates": {design.base_name(m): n for m, n in el.sizes.items()},
        "yosys_modules": {design.base_name(m): m for m in el.sizes},
        "allocation": {design.base_name(m): n for m, n in alloc.items()},
        "seconds": round(time.monotonic() - t0, 1),
        "mutants": [m.to_json() for m in mutants],
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return gdir, meta


def netlist_rtl(meta: dict) -> list[str]:
    return [meta["wrapper"], meta["netlist"]]


# --------------------------------------------------------------------------- runs
def run_item(
    cfg: C.Config,
    meta: dict,
    spec: C.TestSpec,
    seed: int,
    tdir: Path,
    plusargs: list[str],
    timeout_s: float,
) -> dict:
    return {
        "sim": SIM,
        "toplevel": meta["top"],
        "rtl": netlist_rtl(meta),
        "module": cfg.module,
        "test": spec.name,
        "seed": seed,
        "coverage": False,
        "waves": False,
        "test_dir": str(tdir),
        "env": spec.env,
        "timeout_s": timeout_s,
        "expect": spec.expect,
        "plusargs": plusargs,
    }


def outcome(item: dict, ex) -> dict:
    """A run's result: status passed | failed | timeout | error, and for a failure the kind
    (check, assertion, hang, crash) and the telling line."""
    tdir = Path(item["test_dir"])
    if isinstance(ex, BaseException):
        return {"status": "error", "kind": None, "detail": f"work item lost: {ex}", "wall_s": 0}
    text = ""
    if (tdir / "sim.log").exists():
        text = (tdir / "sim.log").read_text(errors="replace")
    res = R.read_cocotb_results(tdir / "results.xml", item["test"])
    o = {"wall_s": round(ex["wall_s"], 2), "status": "passed", "kind": None, "detail": ""}
    if ex["timed_out"]:
        return {
            **o,
            "status": "timeout",
            "kind": "hang",
            "detail": f"no end within {item['timeout_s']:.0f} s (process group killed)",
        }
    if res is not None and res["cocotb_status"] == "passed":
        return o
    amsg = assertion_message(text)
    if amsg:
        return {**o, "status": "failed", "kind": "assertion", "detail": amsg}
    if res is None or res["cocotb_status"] == "skipped":
        log = Path(str(tdir) + ".log")
        return {
            **o,
            "status": "error",
            "kind": "crash",
            "detail": R.first_error_line(log) or "no result (simulator crash?)",
        }
    msg = res["message"] or R.first_error_line(tdir / "sim.log") or "cocotb test failed"
    first = R.first_error_line(tdir / "sim.log") or msg
    kind = (
        "hang" if ("no done within the timeout" in text or "SimTimeoutError" in text) else "check"
    )
    return {**o, "status": "failed", "kind": kind, "detail": _clean(first)[:300]}


_ASSERT_RE = re.compile(
    r"^\[(?P<where>[^\]]*)\] (?P<what>.*(assertion \S+ failed|dropped before "
    r"ready|changed while stalled|is X/Z.*))\s*$"
)


def assertion_message(text: str) -> str:
    """The RTL assertion that stopped a Verilator run, as "module: message", or ""."""
    if "Assertion failed" not in text and "$stop" not in text:
        return ""
    for ln in text.splitlines():
        m = _ASSERT_RE.match(ln.strip())
        if m:
            return f"{design.base_name(m.group('where'))}: {m.group('what')}"
    return "assertion failed" if "Assertion failed" in text else ""


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def repro(gdir: Path, mutant: int, test: str, seed: int) -> str:
    return (
        f".venv/bin/python -m flow.mutate run --gen {design.rel(gdir)} --mutant {mutant} "
        f"--test {test} --seed {seed}"
    )


class Progress:
    """mutants done / killed / survived / not covered, elapsed, ETA (a line per mutant off a
    terminal)."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done = total, 0
        self.n = {"killed": 0, "survived": 0, "not_covered": 0, "error": 0}
        self.t0 = time.monotonic()
        self.stream, self.tty = stream, stream.isatty()

    def line(self) -> str:
        el = time.monotonic() - self.t0
        ran = self.done - self.n["not_covered"]  # not-covered mutants take no time
        eta = el / ran * (self.total - self.done) if ran else None
        hms = lambda s: f"{int(s) // 3600}:{int(s) // 60 % 60:02d}:{int(s) % 60:02d}"  # noqa
        return (
            f"mutants {self.done}/{self.total} killed {self.n['killed']} survived "
            f"{self.n['survived']} not-covered {self.n['not_covered']} "
            f"elapsed {hms(el)} ETA {hms(eta) if eta is not None else '?'}"
        )

    def update(self, status: str, note: str = "") -> None:
        self.done += 1
        self.n[status] = self.n.get(status, 0) + 1
        if self.tty:
            if note:
                self.stream.write("\r\033[K" + note + "\n")
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + (f"\n  {note}" if note else "") + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")


# --------------------------------------------------------------------------- campaign
def run(opts: Options) -> int:
    cfg = C.load(opts.config)
    st = settings(cfg)
    count = opts.count or int(st["count"])
    seed = opts.seed if opts.seed is not None else int(st["seed"])
    minpm = opts.min_per_module or int(st["min_per_module"])
    depth = opts.depth or int(st["eq_depth"])
    eq_timeout = opts.eq_timeout or per_level(st, "eq_timeout_s", opts.level)
    nseeds = opts.seeds or int(per_level(st, "seeds", opts.level))
    seeds = list(range(opts.seed_base, opts.seed_base + nseeds))
    specs = [s for s in cfg.level_tests(opts.level) if s.expect != "fail"]
    if opts.tests:
        unknown = [t for t in opts.tests if t not in {s.name for s in specs}]
        if unknown:
            print(
                f"error: {', '.join(unknown)} not among the {opts.level} level's tests "
                f"({', '.join(s.name for s in specs)})",
                file=sys.stderr,
            )
            return 2
        specs = [s for s in specs if s.name in opts.tests]
    if not specs:
        print(f"error: level {opts.level} has no tests to run", file=sys.stderr)
        return 2
    out = opts.out.resolve()
    t0 = time.monotonic()
    cpu0 = _cpu()
    # The commit the netlist is generated from: taken now, since HEAD may move during a
    # campaign of an hour or more, and READY compares it with the report's commit.
    rev = git_rev()
    # The netlist and its build are shared by every campaign, whatever its --out.
    gdir, meta = generate(ROOT / "build" / "mutate", cfg.toplevel, count, seed, minpm)
    gen_s = time.monotonic() - t0
    mutants = meta["mutants"][: opts.limit] if opts.limit else meta["mutants"]
    if opts.ids:
        bad = sorted(set(opts.ids) - {m["id"] for m in mutants})
        if bad:
            print(f"error: no mutants {bad[:10]} among 1..{meta['count']}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m["id"] in set(opts.ids)]
    if opts.reuse is None and opts.auto_reuse:
        opts.reuse = lower_campaign(out, opts.level, meta["key"])
        if opts.reuse is not None:
            print(
                f"mutate: taking over the kills of {design.rel(opts.reuse)} (a complete "
                "smoke campaign on the same netlist; --no-reuse runs every mutant)",
                flush=True,
            )
    below = json.loads(opts.reuse.read_text()) if opts.reuse else {"meta": {}}
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    rundir = out / "runs" / f"{stamp}-{opts.level}"
    rundir.mkdir(parents=True, exist_ok=True)
    pool, cluster = open_pool(opts.jobs, opts.scheduler, opts.local_cluster)
    executor = pool.describe()
    print(
        f"mutate: level {opts.level}, {len(mutants)} mutants, tests "
        f"{', '.join(s.name for s in specs)} x seeds {seeds[0]}..{seeds[-1]} on "
        f"{executor}; run dir {design.rel(rundir)}",
        flush=True,
    )
    try:
        # 1. one Verilator build of the mutation netlist
        tb = time.monotonic()
        blog = rundir / "build.log"
        fut = submit(
            pool,
            "build",
            {
                "sim": SIM,
                "toplevel": meta["top"],
                "rtl": netlist_rtl(meta),
                "coverage": False,
                "waves": False,
            },
            blog,
            BUILD_TIMEOUT_S,
        )
        ex = pool.result(fut)
        if ex["rc"] != 0 or ex["timed_out"]:
            print(
                f"error: the Verilator build of the mutation netlist failed; see {blog}",
                file=sys.stderr,
            )
            return 1
        build_s = time.monotonic() - tb
        print(f"mutate: netlist built in {build_s:.0f} s", flush=True)

        # 2. activation pass: every (test, seed) once on the original (mutsel = 0)
        base: dict[tuple[str, int], dict] = {}
        futs = {}
        for spec in specs:
            for s in seeds:
                tdir = rundir / "activation" / spec.name / f"seed{s}"
                it = run_item(
                    cfg,
                    meta,
                    spec,
                    s,
                    tdir,
                    ["+mutsel=0", f"+mutcov={tdir / 'mutcov.txt'}"],
                    spec.timeout_s.get(SIM, 600.0),
                )
                futs[submit(pool, "run", it, Path(str(tdir) + ".log"), it["timeout_s"])] = (
                    spec,
                    s,
                    it,
                )
        for f in pool.as_completed(list(futs)):
            spec, s, it = futs[f]
            ex = result_or_error(pool, f)
            o = outcome(it, ex)
            cov_file = Path(it["test_dir"]) / "mutcov.txt"
            if o["status"] != "passed" or not cov_file.exists():
                print(
                    f"error: the original design fails {spec.name} seed {s} "
                    f"({o['status']}: {o['detail'] or 'no activation file'}); mutation "
                    f"analysis needs a passing test suite. Log: {it['test_dir']}/sim.log",
                    file=sys.stderr,
                )
                return 1
            act = netlist.read_mutcov(cov_file, meta["count"])
            base[(spec.name, s)] = {"wall_s": o["wall_s"], "activated": act, "spec": spec}
        act_s = time.monotonic() - tb - build_s
        print(f"mutate: activation pass: {len(base)} runs in {act_s:.0f} s", flush=True)

        # 3. per mutant: its activating (test, seed) runs, shortest first, until a kill
        order = sorted(base, key=lambda k: base[k]["wall_s"])
        plan = {m["id"]: [k for k in order if m["id"] in base[k]["activated"]] for m in mutants}
        recs = {
            m["id"]: {
                **m,
                "description": report.describe(m),
                "activated_by": [list(k) for k in plan[m["id"]]],
                "runs": 0,
                "kill": None,
                "status": None,
            }
            for m in mutants
        }
        prog = Progress(len(mutants))
        pending = {}

        def launch(mid: int) -> None:
            test, s = plan[mid].pop(0)
            b = base[(test, s)]
            tdir = rundir / "mutants" / f"m{mid:04d}" / test / f"seed{s}"
            tmo = min(b["spec"].timeout_s.get(SIM, 600.0), 3 * b["wall_s"] + 60)
            it = run_item(cfg, meta, b["spec"], s, tdir, [f"+mutsel={mid}"], tmo)
            pending[submit(pool, "run", it, Path(str(tdir) + ".log"), tmo)] = (mid, it)
            recs[mid]["runs"] += 1

        reused = reusable_kills(opts.reuse, meta["key"], set(base))
        for m in mutants:
            k = reused.get(m["id"])
            if k is not None and (k["test"], k["seed"]) in plan[m["id"]]:
                r = recs[m["id"]]
                r.update(
                    status="killed",
                    repro=repro(gdir, m["id"], k["test"], k["seed"]),
                    kill={**k, "reused_from": str(opts.reuse)},
                )
                prog.update("killed")
            elif plan[m["id"]]:
                launch(m["id"])
            else:
                recs[m["id"]]["status"] = "not_covered"
                prog.update("not_covered")
        saved = time.monotonic()
        while pending:
            done, _ = pool.wait_first(set(pending))
            if time.monotonic() - saved > 30:
                # An interrupted campaign keeps what it has decided so far.
                R.write_json(
                    {"partial": True, "mutants": [r for r in recs.values() if r["status"]]},
                    rundir / "mutate.partial.json",
                )
                saved = time.monotonic()
            for f in done:
                mid, it = pending.pop(f)
                ex = result_or_error(pool, f)
                o = outcome(it, ex)
                r = recs[mid]
                if o["status"] in ("failed", "timeout") or o["kind"] == "crash":
                    r["status"] = "killed"
                    r["kill"] = {
                        "test": it["test"],
                        "seed": it["seed"],
                        "kind": o["kind"],
                        "detail": o["detail"],
                        "log": str(Path(it["test_dir"]) / "sim.log"),
                    }
                    r["repro"] = repro(gdir, mid, it["test"], it["seed"])
                    prog.update("killed")
                elif o["status"] == "error":
                    r["status"] = "error"
                    r["error"] = o["detail"]
                    prog.update("error", f"ERROR mutant {mid}: {o['detail']}")
                elif plan[mid]:
                    launch(mid)
                else:
                    r["status"] = "survived"
                    t, s = r["activated_by"][0]
                    r["repro"] = repro(gdir, mid, t, s)
                    prog.update(
                        "survived",
                        f"SURVIVED mutant {mid} {r['module']} {r['src']}: {r['description']}",
                    )
        prog.finish()
        sim_s = time.monotonic() - tb - build_s - act_s

        # 4. equivalence triage of what no test killed
        te = time.monotonic()
        triage = [r for r in recs.values() if r["status"] in ("survived", "not_covered")]
        for r in triage:
            if r["id"] in meta.get("unloaded", ()):
                r["equivalence"] = UNLOADED
        known = reusable_equivalence(opts.reuse, depth)
        for r in triage:
            if r["id"] in known:
                r["equivalence"] = {**known[r["id"]], "reused_from": str(opts.reuse)}
        triage = [r for r in triage if "equivalence" not in r]
        if opts.equiv and triage:
            print(
                f"mutate: formal equivalence of {len(triage)} unkilled mutants (rungs "
                f"{', '.join(st['eq_rungs'])}; {eq_timeout:.0f} s per rung)",
                flush=True,
            )
            run_equivalence(pool, gdir, meta, triage, rundir, depth, eq_timeout, st)
        eq_s = time.monotonic() - te
    finally:
        pool.close()
        if cluster is not None:
            cluster.close()

    summary = {
        "meta": {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "git_rev": rev,
            "level": opts.level,
            "tests": [s.name for s in specs],
            "seeds": seeds,
            "count": len(mutants),
            "generated": meta["count"],
            "seed": seed,
            "min_per_module": minpm,
            "generation": design.rel(gdir),
            "reused_kills_from": str(opts.reuse) if opts.reuse else None,
            # The level below, on the same mutants, for the report ("smoke beside nightly").
            "reused_level": below["meta"].get("level"),
            "reused_counts": below.get("counts"),
            "mutsel_width": meta["mutsel_width"],
            "assertions_in_netlist": meta["assertions_in_netlist"],
            "eq_depth": depth,
            "eq_timeout_s": eq_timeout,
            "eq_rungs": list(st["eq_rungs"]),
            "eq_seq": int(st["eq_seq"]),
            "eq_sby_depth": int(st["eq_sby_depth"]),
            "equivalence": opts.equiv,
            "executor": executor,
            "jobs": pool.jobs,
            "run_dir": design.rel(rundir),
            "command": " ".join(shlex.quote(a) for a in sys.argv),
            "candidates": meta["candidates"],
            "allocation": meta["allocation"],
            "activation": {
                f"{t}/seed{s}": {"wall_s": b["wall_s"], "activated": len(b["activated"])}
                for (t, s), b in base.items()
            },
            "wall_s": {
                "total": round(time.monotonic() - t0, 1),
                "generation": round(gen_s, 1),
                "build": round(build_s, 1),
                "activation": round(act_s, 1),
                "mutant_runs": round(sim_s, 1),
                "equivalence": round(eq_s, 1),
            },
            "cpu_s": round(_cpu() - cpu0, 1),
        },
        "mutants": sorted(recs.values(), key=lambda r: r["id"]),
    }
    report.finalize(summary)
    out.mkdir(parents=True, exist_ok=True)
    R.write_json(summary, rundir / "mutate.json")
    R.write_json(summary, out / "mutate.json")
    if not opts.limit and not opts.ids and not opts.tests:
        # Kept per level, for whole campaigns only: the nightly campaign takes over the smoke
        # kills from it, and the report shows this rate as the smoke level's.
        R.write_json(summary, out / f"mutate-{opts.level}.json")
    report.write_fragment(summary, out)
    print(report.summary_table(summary))
    print(
        f"mutate: results {design.rel(out / 'mutate.json')}, report "
        f"{design.rel(out / 'report.html')}"
    )
    return 0


def run_equivalence(
    pool,
    gdir: Path,
    meta: dict,
    recs: list[dict],
    rundir: Path,
    depth: int,
    timeout_s: float,
    st: dict | None = None,
) -> None:
    """The triage ladder of each unkilled mutant, at most two at a time on this machine (a
    check is a short chain of Yosys/SymbiYosys processes whose next step depends on the last)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    st = st or {}
    design_json = ROOT / meta["design_json"]
    design_il = ROOT / meta["design_il"]
    edir = rundir / "equiv"
    rungs = tuple(st.get("eq_rungs", ("equiv", "sby")))
    bad = [x for x in rungs if x not in equiv.RUNGS]
    if bad or not rungs:
        raise design.MutateError(
            f"[mutate] eq_rungs {list(rungs)}: name some of {', '.join(equiv.RUNGS)}"
        )

    def one(r: dict) -> dict:
        return equiv.ladder(
            ROOT,
            r,
            design_il,
            design_json,
            edir,
            rungs,
            seq=int(st.get("eq_seq", 4)),
            depth=int(st.get("eq_sby_depth", 20)),
            timeout_s=timeout_s,
            sat_depth=depth,
        )

    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(2, pool.jobs))) as ex:
        futs = {ex.submit(one, r): r for r in recs}
        for f in as_completed(futs):
            r = futs[f]
            r["equivalence"] = f.result()
            done += 1
            eq = r["equivalence"]
            print(
                f"  equivalence {done}/{len(futs)}: mutant {r['id']} {r['module']}: "
                f"{eq['status']} ({eq['detail']}, {eq['seconds']:.0f} s)",
                flush=True,
            )


def lower_campaign(out: Path, level: str, key: str) -> Path | None:
    """``out/mutate-smoke.json`` when a nightly campaign can take over its kills: a complete
    smoke campaign (every mutant, no --limit or --ids) on the netlist ``key``."""
    path = out / "mutate-smoke.json"
    if level != "nightly" or not path.exists():
        return None
    try:
        old = json.loads(path.read_text())["meta"]
    except (OSError, ValueError, KeyError):
        return None
    same = Path(old.get("generation", "")).name == key
    complete = old.get("count") == old.get("generated")
    return path if same and complete and old.get("level") == "smoke" else None


def reusable_kills(path: Path | None, key: str, runs: set[tuple[str, int]]) -> dict[int, dict]:
    """Kills of an earlier campaign on the same netlist whose (test, seed) is also a run of this
    one: the stimulus and the design are the same, so the run would fail again the same way."""
    if path is None:
        return {}
    old = json.loads(Path(path).read_text())
    if Path(old["meta"]["generation"]).name != key:
        raise design.MutateError(
            f"--reuse {path}: made on another mutation netlist "
            f"({old['meta']['generation']}), not gen/{key}"
        )
    return {
        r["id"]: r["kill"]
        for r in old["mutants"]
        if r["status"] == "killed" and (r["kill"]["test"], r["kill"]["seed"]) in runs
    }


def reusable_equivalence(path: Path | None, depth: int) -> dict[int, dict]:
    """Equivalence verdicts of an earlier campaign on the same netlist (checked by
    :func:`reusable_kills`): they depend on the mutant, not on the tests. A proof or a
    counterexample holds at any depth; a bounded verdict only at the same depth."""
    if path is None:
        return {}
    old = json.loads(Path(path).read_text())
    return {
        r["id"]: r["equivalence"]
        for r in old["mutants"]
        if (r.get("equivalence") or {}).get("status") in equiv.DECISIVE
        or (
            (r.get("equivalence") or {}).get("depth") == depth
            and r["equivalence"]["status"] == "equivalent_bounded"
        )
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the simulators, Yosys)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
