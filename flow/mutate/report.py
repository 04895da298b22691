"""Results of a mutation campaign: final status per mutant, kill rates, the summary table, the
HTML fragment (+ plots) for the sign-off report, and :func:`kill_rate` for the READY verdict.

Final status of a mutant:

- ``killed``: a test run with the mutant selected failed (``kill.kind``: ``check`` = a
  scoreboard or test check, ``assertion`` = an RTL assertion of rtl/pnc_assert.svh,
  ``hang`` = the job never finished (env timeout or process timeout), ``crash`` = no result);
- ``equivalent``: not killed, and the formal check proved (temporal induction) that no input
  sequence makes the mutated module's ports differ from the original's; set aside;
- ``survived``: activated by some run, not killed, not proved equivalent: a hole of the checks;
- ``not_covered``: no run ever activated it, not proved equivalent: a hole of the stimulus;
  (a bounded check without a counterexample, ``equivalence.status = equivalent_bounded``, is
  shown beside a hole as a triage hint, but it proves nothing past its depth and does not set
  the mutant aside);
- ``error``: a run could not be completed (infrastructure); counted as not killed.

Kill rate = killed / (all mutants - equivalent). Survivors and not-covered mutants both count
against it: a bug the stimulus never reaches is missed as surely as one the checks ignore.
"""

from __future__ import annotations

import html
import json
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

from panacea.figures import save_figure

ROOT = Path(__file__).resolve().parents[2]
HOLE = ("survived", "not_covered", "error")


def describe(m: dict) -> str:
    """One line for a mutation: what it does to which cell port (and which signal)."""
    mode = m["mode"]
    what = {
        "inv": "invert",
        "const0": "stuck at 0",
        "const1": "stuck at 1",
        "cnot0": f"XNOR with bit {m.get('ctrlbit')} of the same port",
        "cnot1": f"XOR with bit {m.get('ctrlbit')} of the same port",
    }.get(mode, mode)
    ctype = m.get("cell_type", "?")
    if ctype.startswith("$") and not ctype.startswith("$paramod"):
        where = f"{ctype} {m['port']}[{m['portbit']}]"
    else:  # a port of a submodule instance
        sub = ctype.lstrip("\\").split("\\")
        sub = sub[1] if sub[0].startswith("$paramod") and len(sub) > 1 else sub[0]
        where = f"instance {m['cell'].lstrip(chr(92))} ({sub}) port {m['port']}[{m['portbit']}]"
    sig = f" (signal {m['wire']}[{m['wirebit']}])" if m.get("wire") else ""
    return f"{what}: {where}{sig}"


def finalize(summary: dict) -> None:
    """Set each mutant's final status and the summary's counts and rates (in place)."""
    for r in summary["mutants"]:
        eq = (r.get("equivalence") or {}).get("status")
        r["status"] = r.pop("unkilled_as", None) or r["status"]  # idempotent: re-finalize
        if "mode" in r:
            r["description"] = describe(r)
        if r["status"] in ("survived", "not_covered") and eq == "equivalent":
            r["unkilled_as"] = r["status"]
            r["status"] = "equivalent"
    summary["counts"] = counts(summary["mutants"])
    summary["by_module"] = {m: counts(rs) for m, rs in _group(summary["mutants"]).items()}
    summary["by_test"] = by_test(summary)


def counts(recs: list[dict]) -> dict:
    c = Counter(r["status"] for r in recs)
    kinds = Counter(r["kill"]["kind"] for r in recs if r["status"] == "killed")
    eqs = Counter((r.get("equivalence") or {}).get("status") for r in recs)
    total = len(recs)
    denom = total - c["equivalent"]
    # Upper bound for triage, not for sign-off: as if every hole without a counterexample
    # within the depth were equivalent.
    denom_b = denom - eqs.get("equivalent_bounded", 0)
    return {
        "total": total,
        "killed": c["killed"],
        "survived": c["survived"],
        "not_covered": c["not_covered"],
        "equivalent": c["equivalent"],
        "holes_bounded_equal": eqs.get("equivalent_bounded", 0),
        "holes_not_equivalent": eqs.get("not_equivalent", 0),
        "holes_unknown": eqs.get("unknown", 0),
        "error": c["error"],
        "kill_kinds": dict(kinds),
        "kill_rate": round(100.0 * c["killed"] / denom, 2) if denom else None,
        "kill_rate_if_bounded_equal": round(100.0 * c["killed"] / denom_b, 2) if denom_b else None,
    }


def _group(recs: list[dict]) -> dict[str, list[dict]]:
    g: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        g[r["module"]].append(r)
    return dict(sorted(g.items()))


def by_test(summary: dict) -> dict:
    """Per test: mutants its runs activated, mutants it killed first (tests run shortest
    first, a mutant stops at its first kill), and kill kinds."""
    out: dict[str, dict] = {
        t: {"activated": 0, "first_kills": 0, "kinds": {}} for t in summary["meta"]["tests"]
    }
    for r in summary["mutants"]:
        for t in {a[0] for a in r.get("activated_by", [])}:
            out.setdefault(t, {"activated": 0, "first_kills": 0, "kinds": {}})["activated"] += 1
        if r["status"] == "killed":
            d = out.setdefault(r["kill"]["test"], {"activated": 0, "first_kills": 0, "kinds": {}})
            d["first_kills"] += 1
            d["kinds"][r["kill"]["kind"]] = d["kinds"].get(r["kill"]["kind"], 0) + 1
    return out


def holes(summary: dict) -> list[dict]:
    return [r for r in summary["mutants"] if r["status"] in HOLE]


def lower_level(summary: dict) -> str:
    """The kill rate of the lower-level campaign whose kills this one took over (the same
    mutants and netlist), e.g. the smoke rate beside the nightly one; '' if there is none."""
    m = summary["meta"]
    lc = m.get("reused_counts")
    if not lc or lc.get("kill_rate") is None:
        return ""
    return (
        f"{m.get('reused_level')} level on the same mutants: kill rate {lc['kill_rate']:.1f} % "
        f"({lc['killed']} killed, {lc['survived']} survived, {lc['not_covered']} not covered, "
        f"{lc['equivalent']} equivalent); {m['level']} level: "
        + (
            f"{summary['counts']['kill_rate']:.1f} %"
            if summary["counts"]["kill_rate"] is not None
            else "n/a"
        )
    )


# --------------------------------------------------------------------------- text
def summary_table(summary: dict) -> str:
    m = summary["meta"]
    rows = [
        f"mutation analysis, level {m['level']} ({', '.join(m['tests'])}; seeds "
        f"{m['seeds'][0]}..{m['seeds'][-1]}), {m['count']} mutants, equivalence depth "
        f"{m['eq_depth']}",
        f"{'module':<14}{'mutants':>8}{'killed':>8}{'survived':>9}{'not cov':>8}"
        f"{'equiv':>7}{'kill rate':>11}",
    ]
    for mod, c in list(summary["by_module"].items()) + [("TOTAL", summary["counts"])]:
        rate = f"{c['kill_rate']:.1f} %" if c["kill_rate"] is not None else "-"
        rows.append(
            f"{mod:<14}{c['total']:>8}{c['killed']:>8}{c['survived']:>9}"
            f"{c['not_covered']:>8}{c['equivalent']:>7}{rate:>11}"
        )
    c = summary["counts"]
    below = lower_level(summary)
    if below:
        rows.append(below)
    rows.append(
        "kills by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(c["kill_kinds"].items()))
    )
    if c.get("kill_rate_if_bounded_equal") is not None:
        rows.append(
            f"kill rate if the holes without a counterexample within {m['eq_depth']} "
            f"cycles were equivalent (an upper bound, for triage): "
            f"{c['kill_rate_if_bounded_equal']:.1f} %"
        )
    rows.append(
        f"equivalence of the unkilled: {c['equivalent']} proved equivalent (set aside); "
        f"holes: {c['holes_not_equivalent']} with a counterexample, "
        f"{c['holes_bounded_equal']} no difference within {m['eq_depth']} cycles, "
        f"{c['holes_unknown']} unknown; errors: {c['error']}"
    )
    w = m["wall_s"]
    rows.append(
        f"wall {w['total']:.0f} s (generation {w['generation']:.0f}, build "
        f"{w['build']:.0f}, activation {w['activation']:.0f}, mutant runs "
        f"{w['mutant_runs']:.0f}, equivalence {w['equivalence']:.0f}); CPU "
        f"{m['cpu_s']:.0f} s on {m['jobs']} jobs"
    )
    hl = holes(summary)
    if hl:
        rows.append(f"holes ({len(hl)}):")
        for r in hl:
            rows.append(f"  #{r['id']:<4} {r['status']:<11} {r['src']:<24} {r['description']}")
            rows.append(f"        {r['line_text'][:90]}")
            if r.get("repro"):
                rows.append(f"        rerun: {r['repro']}")
    return "\n".join(rows)


# --------------------------------------------------------------------------- HTML
def write_fragment(summary: dict, out: Path) -> Path:
    """``report.html``: one ``<section id="mutation">`` (with two plots beside it) that the
    sign-off report can include as it is."""
    plots = write_plots(summary, out)
    e = html.escape
    m, c = summary["meta"], summary["counts"]
    rate = f"{c['kill_rate']:.1f} %" if c["kill_rate"] is not None else "n/a"
    below = lower_level(summary)
    parts = [
        '<section id="mutation">',
        f"<h2>Mutation analysis: kill rate {rate}</h2>",
        f"<p>Level <b>{e(m['level'])}</b> ({e(', '.join(m['tests']))}; seeds "
        f"{m['seeds'][0]}..{m['seeds'][-1]}), {m['count']} Yosys mutants over every module, "
        f"git {e(m['git_rev'])}, {e(m['date'])}. Kill rate = killed / (mutants &minus; "
        f"equivalent); survivors and not-covered mutants both count as holes. Equivalence: "
        f"a ladder of formal checks of the mutated module against the original (rungs "
        f"{e(', '.join(m.get('eq_rungs', ['sat'])))}; a structural check for mutants whose "
        f"multiplexer has no load); only a proof sets a mutant aside.</p>",
        "<table><tr><th>mutants</th><th>killed</th><th>survived</th><th>not covered</th>"
        "<th>proved equivalent</th><th>holes: counterexample / none within depth / unknown"
        "</th><th>errors</th><th>kills by kind</th></tr>",
        f"<tr><td>{c['total']}</td><td>{c['killed']}</td><td>{c['survived']}</td>"
        f"<td>{c['not_covered']}</td><td>{c['equivalent']}</td><td>"
        f"{c['holes_not_equivalent']} / {c['holes_bounded_equal']} / {c['holes_unknown']}</td>"
        f"<td>{c['error']}</td><td>"
        f"{e(', '.join(f'{k} {v}' for k, v in sorted(c['kill_kinds'].items())))}</td></tr>"
        "</table>",
        f"<p>{e(below)}</p>" if below else "",
        "<h3>Per module</h3><table><tr><th>module</th><th>mutants</th><th>killed</th>"
        "<th>survived</th><th>not covered</th><th>equivalent</th><th>kill rate</th></tr>",
    ]
    for mod, mc in summary["by_module"].items():
        kr = f"{mc['kill_rate']:.1f} %" if mc["kill_rate"] is not None else "-"
        parts.append(
            f"<tr><td>{e(mod)}</td><td>{mc['total']}</td><td>{mc['killed']}</td>"
            f"<td>{mc['survived']}</td><td>{mc['not_covered']}</td>"
            f"<td>{mc['equivalent']}</td><td>{kr}</td></tr>"
        )
    parts.append(
        "</table><h3>Per test</h3><table><tr><th>test</th><th>mutants activated</th>"
        "<th>first kills</th><th>kinds</th></tr>"
    )
    for t, d in summary["by_test"].items():
        parts.append(
            f"<tr><td>{e(t)}</td><td>{d['activated']}</td><td>{d['first_kills']}</td>"
            f"<td>{e(', '.join(f'{k} {v}' for k, v in sorted(d['kinds'].items())))}"
            "</td></tr>"
        )
    parts.append("</table>")
    for p in plots:
        parts.append(f'<img src="{e(p.name)}" alt="{e(p.stem)}" style="max-width:48%">')
    if c.get("kill_rate_if_bounded_equal") is not None:
        parts.append(
            f"<p>Upper bound for triage (not sign-off): "
            f"{c['kill_rate_if_bounded_equal']:.1f} % if the holes without a "
            f"counterexample within {m['eq_depth']} cycles were equivalent.</p>"
        )
    hl = holes(summary)
    parts.append(f"<h3>Holes: {len(hl)} mutants not killed and not proved equivalent</h3>")
    if hl:
        parts.append(
            "<table><tr><th>#</th><th>status</th><th>module</th><th>source</th>"
            "<th>mutation</th><th>equivalence</th><th>rerun</th></tr>"
        )
        for r in hl:
            eq = r.get("equivalence") or {}
            parts.append(
                f"<tr><td>{r['id']}</td><td>{e(r['status'])}</td><td>{e(r['module'])}</td>"
                f"<td>{e(r['src'])}<br><code>{e(r['line_text'])}</code></td>"
                f"<td>{e(r['description'])}</td><td>{e(eq.get('status', '-'))}"
                f"{(' (' + e(eq['detail']) + ')') if eq.get('detail') else ''}</td>"
                f"<td><code>{e(r.get('repro', ''))}</code></td></tr>"
            )
        parts.append("</table>")
    parts.append("</section>")
    path = out / "report.html"
    path.write_text("\n".join(parts) + "\n")
    return path


def write_plots(summary: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    mods = list(summary["by_module"])
    kinds = ("killed", "survived", "not_covered", "equivalent", "error")
    colors = {
        "killed": "#2e7d32",
        "survived": "#c62828",
        "not_covered": "#ef6c00",
        "equivalent": "#9e9e9e",
        "error": "#6a1b9a",
    }
    fig, ax = plt.subplots(figsize=(8, 4))
    left = [0] * len(mods)
    for k in kinds:
        vals = [summary["by_module"][m][k] for m in mods]
        ax.barh(mods, vals, left=left, color=colors[k], label=k.replace("_", " "))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for i, m in enumerate(mods):
        kr = summary["by_module"][m]["kill_rate"]
        ax.text(left[i] + 0.3, i, f"{kr:.0f} %" if kr is not None else "-", va="center", fontsize=8)
    ax.set_xlim(0, max(left, default=1) * 1.12)  # room for the rate labels
    ax.invert_yaxis()
    ax.set_xlabel("mutants")
    ax.set_title(f"Mutants per module and kill rate ({summary['meta']['level']})")
    ax.legend(fontsize=8, loc="lower right")
    paths.append(save_figure(fig, out / "mutation_by_module.png", 110))

    tests = list(summary["by_test"])
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(tests) + 1.5))
    act = [summary["by_test"][t]["activated"] for t in tests]
    kill = [summary["by_test"][t]["first_kills"] for t in tests]
    y = list(range(len(tests)))
    ax.barh([v - 0.2 for v in y], act, height=0.4, color="#90caf9", label="activated")
    ax.barh([v + 0.2 for v in y], kill, height=0.4, color="#2e7d32", label="first kills")
    ax.set_yticks(y, tests, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("mutants")
    ax.set_title("Per test: mutants activated and killed first (shortest test first)")
    ax.legend(fontsize=8)
    paths.append(save_figure(fig, out / "mutation_by_test.png", 110))
    return paths


# --------------------------------------------------------------------------- sign-off
def kill_rate(
    path: Path | str = ROOT / "build" / "mutate" / "mutate.json",
    config: Path | str = ROOT / "verif" / "regress.toml",
) -> tuple[float | None, float, bool]:
    """(kill rate %, threshold %, pass) for READY: ``[signoff.mutation] kill_pct`` of the
    regression config, met by a complete campaign (not ``--limit``) of the required ``level``
    (or a higher one). A missing or unreadable mutate.json gives (None, threshold, False)."""
    sign = tomllib.loads(Path(config).read_text()).get("signoff", {}).get("mutation", {})
    threshold = float(sign.get("kill_pct", 95.0))
    need = sign.get("level", "nightly")
    try:
        summary = json.loads(Path(path).read_text())
        rate = summary["counts"]["kill_rate"]
        level = summary["meta"]["level"]
    except (OSError, ValueError, KeyError):
        return None, threshold, False
    rank = {"smoke": 0, "nightly": 1}
    level_ok = rank.get(level, -1) >= rank.get(need, 1)
    complete = summary["meta"].get("count") == summary["meta"].get("generated")
    ok = rate is not None and level_ok and complete and rate >= threshold
    return rate, threshold, ok


if __name__ == "__main__":  # pragma: no cover - handy for a quick look
    print(kill_rate(*sys.argv[1:]))
