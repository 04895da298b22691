"""`make mutate`: mutation-graded testbench (the YosysHQ MCY method). See docs/mutation.md.

python -m flow.mutate [--level smoke|nightly] [--count N] [--seed S] [--seeds N]
                      [--jobs N | --scheduler tcp://host:port | --local-cluster N] ...
python -m flow.mutate run --gen DIR --mutant ID --test NAME --seed N [--waves]
python -m flow.mutate report [--json build/mutate/mutate.json]
python -m flow.mutate equiv --json build/mutate/mutate.json [--ids 5,6] [--out FILE]
python -m flow.mutate kill-rate [--json build/mutate/mutate.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flow.regress.pool import add_pool_options

ROOT = Path(__file__).resolve().parents[2]


def campaign_main(argv: list[str], prog: str = "python -m flow.mutate") -> int:
    from . import campaign
    from .design import MutateError

    ap = argparse.ArgumentParser(
        prog=prog,
        description="Mutation analysis of the testbench: Yosys "
        "mutants in one netlist, the level's tests per mutant until "
        "the first kill, formal equivalence of the rest.",
    )
    ap.add_argument(
        "--level",
        default="smoke",
        help="regression level whose tests run (smoke, nightly; default smoke)",
    )
    ap.add_argument("--count", type=int, default=None, help="mutants (default [mutate] count)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the mutant selection")
    ap.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="test seeds per test (default [mutate] seeds of the level)",
    )
    ap.add_argument("--seed-base", type=int, default=1, help="first test seed")
    add_pool_options(ap, jobs=2)
    ap.add_argument("--tests", default=None, help="comma-separated subset of the level's tests")
    ap.add_argument(
        "--min-per-module",
        type=int,
        default=None,
        help="mutants every module gets at least (default [mutate])",
    )
    ap.add_argument(
        "--eq-depth",
        type=int,
        default=None,
        help="depth of the sat equivalence rung in cycles (default [mutate] eq_depth)",
    )
    ap.add_argument(
        "--eq-timeout",
        type=float,
        default=None,
        help="seconds per equivalence check (default [mutate] eq_timeout_s)",
    )
    ap.add_argument(
        "--no-equiv",
        action="store_true",
        help="skip the equivalence triage (every unkilled mutant is a hole)",
    )
    ap.add_argument(
        "--limit",
        type=int,
        default=None,
        help="run only the first N mutants (a quick look; READY ignores it)",
    )
    ap.add_argument(
        "--ids",
        default=None,
        help="comma-separated mutant ids to run (e.g. the "
        "holes of an earlier campaign; READY ignores such a campaign)",
    )
    ap.add_argument(
        "--reuse",
        default=None,
        metavar="MUTATE_JSON",
        help="take over the kills of an earlier campaign on the same netlist whose "
        "test and seed this level runs too (e.g. smoke kills for nightly), and its "
        "equivalence verdicts at the same depth",
    )
    ap.add_argument(
        "--no-reuse",
        action="store_true",
        help="nightly: run every mutant even when OUT/mutate-smoke.json (a complete smoke "
        "campaign on the same netlist) has killed some",
    )
    ap.add_argument("--out", default=str(ROOT / "build" / "mutate"), help="output directory")
    ap.add_argument("--config", default=None, help="regression config (verif/regress.toml)")
    a = ap.parse_args(argv)
    for name in ("count", "seeds", "jobs", "limit", "eq_depth", "min_per_module"):
        v = getattr(a, name)
        if v is not None and v < 1:
            print(f"error: --{name.replace('_', '-')} must be at least 1, got {v}", file=sys.stderr)
            return 2
    if a.level not in ("smoke", "nightly"):
        print(f"error: --level must be smoke or nightly, got {a.level!r}", file=sys.stderr)
        return 2
    if a.ids and not all(x.strip().isdigit() for x in a.ids.split(",")):
        print(f"error: --ids must be comma-separated numbers, got {a.ids!r}", file=sys.stderr)
        return 2
    if a.reuse and not Path(a.reuse).exists():
        print(f"error: --reuse {a.reuse} does not exist", file=sys.stderr)
        return 2
    if a.config and not Path(a.config).exists():
        print(f"error: --config {a.config} does not exist", file=sys.stderr)
        return 2
    opts = campaign.Options(
        level=a.level,
        count=a.count,
        seed=a.seed,
        seeds=a.seeds,
        seed_base=a.seed_base,
        jobs=a.jobs,
        scheduler=a.scheduler,
        local_cluster=a.local_cluster,
        tests=a.tests.split(",") if a.tests else None,
        min_per_module=a.min_per_module,
        depth=a.eq_depth,
        eq_timeout=a.eq_timeout,
        equiv=not a.no_equiv,
        out=Path(a.out),
        config=Path(a.config) if a.config else None,
        limit=a.limit,
        reuse=Path(a.reuse).resolve() if a.reuse else None,
        auto_reuse=not a.no_reuse,
        ids=[int(x) for x in a.ids.split(",")] if a.ids else None,
    )
    try:
        return campaign.run(opts)
    except MutateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run_main(argv: list[str], prog: str = "python -m flow.mutate") -> int:
    """Rerun one mutant with one test and seed (the repro line of mutate.json)."""
    ap = argparse.ArgumentParser(
        prog=f"{prog} run", description="Rerun one mutant with one test and seed."
    )
    ap.add_argument("--gen", required=True, help="generation directory (build/mutate/gen/KEY)")
    ap.add_argument("--mutant", type=int, required=True, help="mutant id (0: the original)")
    ap.add_argument("--test", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--waves", action="store_true", help="dump FST waveforms")
    ap.add_argument("--module", default="verif.tests.uvm.tb_pnc_uvm")
    a = ap.parse_args(argv)
    meta_path = ROOT / a.gen / "generation.json"
    if not meta_path.exists():
        print(f"error: {meta_path} does not exist; run `make mutate` first", file=sys.stderr)
        return 2
    meta = json.loads(meta_path.read_text())
    if not 0 <= a.mutant <= meta["count"]:
        print(f"error: --mutant must be 0..{meta['count']}, got {a.mutant}", file=sys.stderr)
        return 2
    from verif.common.runner import CocotbTestFailed, run_cocotb

    m = meta["mutants"][a.mutant - 1] if a.mutant else None
    if m:
        from .report import describe

        print(f"mutant {a.mutant}: {m['module']} {m['src']}: {describe(m)}\n  {m['line_text']}")
    tdir = ROOT / "build" / "mutate" / "rerun" / f"m{a.mutant:04d}-{a.test}-seed{a.seed}"
    try:
        res = run_cocotb(
            "verilator",
            meta["top"],
            [meta["wrapper"], meta["netlist"]],
            a.module,
            testcase=a.test,
            seed=a.seed,
            waves=a.waves,
            test_dir=tdir,
            plusargs=[f"+mutsel={a.mutant}"],
        )
    except CocotbTestFailed as exc:
        print(f"FAILED (the mutant is killed): {exc}")
        return 1
    except RuntimeError as exc:
        # The simulator itself stopped (an RTL assertion's $stop, a crash): cocotb's runner
        # raises before any result file exists.
        print(f"FAILED (the simulator stopped: {exc}); see {(tdir / 'sim.log').relative_to(ROOT)}")
        return 1
    print(f"PASSED (the mutant survives this test and seed): {res}")
    return 0


def equiv_main(argv: list[str], prog: str = "python -m flow.mutate") -> int:
    """Re-triage chosen unkilled mutants of an existing campaign (no simulation) and write the
    campaign's JSON with their new equivalence verdicts to a copy."""
    from concurrent.futures import ThreadPoolExecutor

    from . import equiv, report
    from .design import rel

    ap = argparse.ArgumentParser(
        prog=f"{prog} equiv",
        description="Formal equivalence triage (ladder: equiv, sby, sat) of the unkilled "
        "mutants of an existing campaign, without re-simulating.",
    )
    ap.add_argument("--json", required=True, help="the campaign's mutate.json")
    ap.add_argument("--gen", default=None, help="generation directory (default: the JSON's)")
    ap.add_argument("--ids", default=None, help="comma-separated mutant ids (default: unkilled)")
    ap.add_argument("--out", default=None, help="JSON to write (default: <json>.equiv.json)")
    ap.add_argument("--rungs", default="equiv,sby", help="comma-separated, from equiv,sby,sat")
    ap.add_argument("--seq", type=int, default=4, help="equiv_simple/equiv_induct -seq")
    ap.add_argument("--depth", type=int, default=20, help="SymbiYosys k-induction depth")
    ap.add_argument("--sat-depth", type=int, default=10, help="sat -tempinduct depth")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per rung and mutant")
    ap.add_argument("--jobs", type=int, default=2, help="mutants checked in parallel")
    a = ap.parse_args(argv)
    path = Path(a.json)
    if not path.exists():
        print(f"error: --json {path} does not exist; run `make mutate` first", file=sys.stderr)
        return 2
    rungs = tuple(x.strip() for x in a.rungs.split(",") if x.strip())
    bad = [x for x in rungs if x not in equiv.RUNGS]
    if bad or not rungs:
        print(
            f"error: --rungs must name some of {', '.join(equiv.RUNGS)}, got {a.rungs!r}",
            file=sys.stderr,
        )
        return 2
    for name in ("seq", "depth", "sat_depth", "jobs"):
        if getattr(a, name) < 1:
            print(f"error: --{name.replace('_', '-')} must be at least 1", file=sys.stderr)
            return 2
    if a.ids and not all(x.strip().isdigit() for x in a.ids.split(",")):
        print(f"error: --ids must be comma-separated numbers, got {a.ids!r}", file=sys.stderr)
        return 2
    summary = json.loads(path.read_text())
    gdir = ROOT / (a.gen or summary["meta"]["generation"])
    gmeta_path = gdir / "generation.json"
    if not gmeta_path.exists():
        print(f"error: {gmeta_path} does not exist; pass --gen DIR", file=sys.stderr)
        return 2
    gmeta = json.loads(gmeta_path.read_text())
    recs = {r["id"]: r for r in summary["mutants"]}
    if a.ids:
        ids = [int(x) for x in a.ids.split(",")]
        missing = [i for i in ids if i not in recs]
        if missing:
            print(f"error: --ids {missing} are not mutants of {path}", file=sys.stderr)
            return 2
    else:
        ids = [i for i, r in recs.items() if r["status"] != "killed"]
    out = Path(a.out) if a.out else path.with_suffix(".equiv.json")
    wdir = out.parent / f"{out.stem}.d"
    design_il = gdir / Path(gmeta["design_il"]).name
    design_json = gdir / Path(gmeta["design_json"]).name
    print(f"equiv: {len(ids)} mutants, rungs {', '.join(rungs)}, {a.jobs} in parallel")

    def one(i: int) -> dict:
        return equiv.ladder(
            ROOT,
            recs[i],
            design_il,
            design_json,
            wdir,
            rungs,
            seq=a.seq,
            depth=a.depth,
            timeout_s=a.timeout,
            sat_depth=a.sat_depth,
        )

    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for i, res in zip(ids, ex.map(one, ids), strict=True):
            recs[i]["equivalence"] = res
            steps = "; ".join(
                f"{x['rung']} {x['status']} ({x['detail']}, {x['seconds']:.0f} s)"
                for x in res["rungs"]
            )
            print(f"  mutant {i} {recs[i]['module']}: {res['status']} <- {steps}", flush=True)
    summary["meta"]["equiv_retriage"] = {
        "from": rel(path.resolve()),
        "ids": ids,
        "rungs": list(rungs),
        "seq": a.seq,
        "depth": a.depth,
        "timeout_s": a.timeout,
    }
    report.finalize(summary)
    out.write_text(json.dumps(summary, indent=2))
    c = summary["counts"]
    print(f"equiv: {c['equivalent']} proved equivalent; results {rel(out.resolve())}")
    return 0


def main(argv: list[str] | None = None, prog: str = "python -m flow.mutate") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run":
        return run_main(argv[1:], prog)
    if argv and argv[0] == "equiv":
        return equiv_main(argv[1:], prog)
    if argv and argv[0] in ("report", "kill-rate"):
        from . import report

        ap = argparse.ArgumentParser(prog=f"{prog} {argv[0]}")
        ap.add_argument("--json", default=str(ROOT / "build" / "mutate" / "mutate.json"))
        a = ap.parse_args(argv[1:])
        path = Path(a.json)
        if not path.exists():
            print(f"error: {path} does not exist; run `make mutate` first", file=sys.stderr)
            return 2
        if argv[0] == "kill-rate":
            rate, thr, ok = report.kill_rate(path)
            print(
                f"kill rate {rate if rate is not None else 'n/a'} %, threshold {thr} %: "
                f"{'pass' if ok else 'FAIL'}"
            )
            return 0 if ok else 3
        summary = json.loads(path.read_text())
        report.finalize(summary)
        path.write_text(json.dumps(summary, indent=2))
        report.write_fragment(summary, path.parent)
        print(report.summary_table(summary))
        return 0
    return campaign_main(argv, prog)
