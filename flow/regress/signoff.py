"""The READY rule's inputs besides the regression itself: mutation kill rate and formal proofs.

Each check returns a dict with ``ok`` (bool), ``reasons`` (one line per failed condition, each
saying what to run) and the data the report shows. Settings from ``verif/regress.toml``:

- ``[signoff.mutation]`` ``kill_pct``, ``level`` (read by :func:`flow.mutate.report.kill_rate`)
  and ``path`` (default build/mutate/mutate.json): a complete campaign of at least that level,
  run on the same git commit as the regression, with a kill rate at or above ``kill_pct``;
- ``[signoff.formal]`` ``path`` (default build/formal/formal.json), ``required`` (default true)
  and ``min_bmc_depth`` (default 20): every target of formal/*.sby is in formal.json and passed,
  by k-induction (a proof) or by BMC at a depth of at least ``min_bmc_depth``, and the file is
  not older than the last commit that changed rtl/ or formal/.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from flow.regress import config as C

MUTATE_JSON = "build/mutate/mutate.json"
FORMAL_JSON = "build/formal/formal.json"
LEVEL_RANK = {"smoke": 0, "nightly": 1}  # a campaign of a higher level also signs off a lower


def show(path: Path) -> str:
    """``path`` as a user types it: relative to the repository when inside it."""
    return str(path.relative_to(C.ROOT)) if path.is_relative_to(C.ROOT) else str(path)


def base_rev(rev: str | None) -> str:
    """A git revision without the ``-dirty`` mark (the commit it was made from)."""
    return (rev or "").removesuffix("-dirty")


def same_commit(a: str | None, b: str | None) -> bool:
    a, b = base_rev(a), base_rev(b)
    n = min(len(a), len(b))
    return n >= 7 and a[:n] == b[:n] and a != "unknown"


def mutation(cfg: C.Config, git_rev: str | None, override: str | None = None) -> dict:
    """Kill rate of the mutation campaign in mutate.json, judged for READY."""
    from flow.mutate.report import kill_rate

    sign = cfg.signoff.get("mutation", {})
    need = sign.get("level", "nightly")
    path = C.signoff_path(cfg, "mutation", MUTATE_JSON, override)
    rate, threshold, passed = kill_rate(path, cfg.path)
    res = {
        "path": show(path),
        "html": None,
        "plots": [],
        "kill_rate": None,
        "threshold": threshold,
        "level": None,
        "required_level": need,
        "git_rev": None,
        "counts": None,
        "ok": False,
        "reasons": [],
    }
    run = f"run make mutate LEVEL={need}"
    try:
        summary = json.loads(path.read_text())
        meta = summary["meta"]
    except (OSError, ValueError, KeyError):
        res["reasons"].append(f"no mutation campaign ({show(path)} missing or unreadable): {run}")
        return res
    res.update(level=meta.get("level"), git_rev=meta.get("git_rev"), counts=summary.get("counts"))
    html = path.with_name("report.html")
    if html.exists():
        res["html"] = str(html)
        res["plots"] = [str(p) for p in sorted(path.parent.glob("mutation_*.png"))]
    if not same_commit(meta.get("git_rev"), git_rev):
        res["reasons"].append(
            f"no mutation campaign at {need} level for this commit {base_rev(git_rev)} "
            f"({path.name} is of {meta.get('git_rev')}): {run}"
        )
        return res
    res["kill_rate"] = rate
    if meta.get("count") != meta.get("generated"):
        res["reasons"].append(
            f"mutation campaign is partial ({meta.get('generated')} of {meta.get('count')} "
            f"mutants, --limit): {run}"
        )
    if LEVEL_RANK.get(meta.get("level"), -1) < LEVEL_RANK.get(need, 1):
        res["reasons"].append(
            f"mutation campaign is at level {meta.get('level')}, sign-off needs {need}: {run}"
        )
    if rate is None:
        res["reasons"].append(f"mutation campaign has no kill rate (no mutants): {run}")
    elif rate < threshold:
        res["reasons"].append(
            f"mutation kill rate {rate:.1f} % < threshold {threshold:.0f} % "
            f"({len(_holes(summary))} holes, see the Mutation section)"
        )
    res["ok"] = passed and not res["reasons"]
    return res


def _holes(summary: dict) -> list[dict]:
    return [
        m
        for m in summary.get("mutants", [])
        if m.get("status") in ("survived", "not_covered", "error")
    ]


def _last_change(paths: tuple[str, ...]) -> tuple[float | None, str]:
    """(commit time, short id) of the last commit that changed ``paths``."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct %h", "--", *paths],
            cwd=C.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return (float(out[0]), out[1]) if len(out) == 2 else (None, "")
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None, ""


def formal(cfg: C.Config, git_rev: str | None, override: str | None = None) -> dict:
    """The targets of formal.json, judged for READY."""
    from flow import formal as F

    sign = cfg.signoff.get("formal", {})
    required = bool(sign.get("required", True))
    min_depth = int(sign.get("min_bmc_depth", 20))
    path = C.signoff_path(cfg, "formal", FORMAL_JSON, override)
    res = {
        "path": show(path),
        "required": required,
        "min_bmc_depth": min_depth,
        "targets": [],
        "wall_seconds": None,
        "tool": None,
        "ok": False,
        "reasons": [],
        "notes": [],
    }
    if not required:
        res["ok"] = True
        res["notes"].append("formal is not required ([signoff.formal] required = false)")
    try:
        data = json.loads(path.read_text())
        targets = data["targets"]
    except (OSError, ValueError, KeyError):
        if required:
            res["reasons"].append(
                f"no formal results ({show(path)} missing or unreadable): run make formal"
            )
        return res
    res.update(targets=targets, wall_seconds=data.get("wall_seconds"), tool=data.get("tool"))
    reasons = []
    for t in targets:
        t["verdict"] = _target_verdict(t, min_depth)
        if t["verdict"] != "ok":
            reasons.append(f"formal target {t['name']}: {t['verdict']}")
    expected = [t.name for t in F.load_targets(sorted(F.FORMAL_DIR.glob("*.sby")))]
    have = {t["name"] for t in targets}
    missing = [n for n in expected if n not in have]
    if missing:
        reasons.append(
            f"formal targets missing from {path.name}: {', '.join(missing)}: run make formal"
        )
    if data.get("git_rev"):
        if not same_commit(data["git_rev"], git_rev):
            reasons.append(
                f"formal results are of commit {data['git_rev']}, not {base_rev(git_rev)}: "
                "run make formal"
            )
    else:
        when, rev = _last_change(("rtl", "formal"))
        if when is not None and path.stat().st_mtime < when:
            reasons.append(
                f"formal results are older than the last change of rtl/ or formal/ ({rev}): "
                "run make formal"
            )
        res["notes"].append(
            f"{path.name} records no commit; judged by its time against the last commit "
            "that changed rtl/ or formal/"
        )
    if required:
        res["reasons"] = reasons
        res["ok"] = not reasons
    else:
        res["notes"] += reasons
    return res


def _target_verdict(t: dict, min_depth: int) -> str:
    if t.get("status") != "PASS":
        first = f" ({t['failed'][0]})" if t.get("failed") else ""
        return f"{t.get('status', '?')}{first}"
    if t.get("method") == "bmc" and int(t.get("depth") or 0) < min_depth:
        return f"BMC depth {t.get('depth')} < {min_depth} required"
    return "ok"


def link(path: str | None, out: Path) -> str | None:
    """``path`` relative to the report directory ``out`` (for an HTML link)."""
    if not path:
        return None
    p = Path(path)
    p = p if p.is_absolute() else C.ROOT / p
    return os.path.relpath(p.resolve(), out.resolve())
