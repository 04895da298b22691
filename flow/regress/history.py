"""Regression history: one sqlite database (standard library ``sqlite3``) across runs.

``runs``: one row per regression run (keyed by its run directory): date, git revision, level,
architecture configuration (arch.toml ``[config.NAME]``), simulators, seeds, status counts and
pass rate, written by ``make regress`` when it ends; the
sign-off report (``make cov-report``) adds functional and code coverage, the kill rate (of a
mutation campaign of the same commit), formal pass/fail and the READY verdict.
``buckets``: one row per (run, failure bucket) with the bucket's signature, kind, count, tests,
simulators and repro line (:mod:`flow.regress.triage`).

A bucket is NEW in a run if no earlier run (by date) of the same configuration had the same
signature, else KNOWN (with the date and run it was first seen); the trend, too, is per
configuration, because each configuration is a different design with its own history. The path
comes from ``[signoff.history] path`` of regress.toml (default build/history.sqlite) or
``--history``.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from panacea.figures import save_figure

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_dir TEXT UNIQUE NOT NULL,
    date TEXT NOT NULL,            -- ISO time the regression started
    git_rev TEXT,
    level TEXT,
    arch_config TEXT NOT NULL DEFAULT 'default',  -- arch.toml [config.NAME] of the build
    sims TEXT,                     -- JSON list
    seeds TEXT,                    -- JSON list
    runs INTEGER, passed INTEGER, failed INTEGER, timeout INTEGER, error INTEGER,
    pass_rate REAL,                -- % of runs that met their expectation
    functional_pct REAL, line_pct REAL, branch_pct REAL, toggle_pct REAL, expr_pct REAL,
    kill_rate REAL,                -- % of a mutation campaign of the same commit, else NULL
    formal TEXT,                   -- 'pass', 'fail' or 'missing' (NULL: no report yet)
    ready INTEGER,                 -- 1 READY, 0 NOT READY, NULL no report yet
    reported TEXT                  -- ISO time of the last report that covered this run
);
CREATE TABLE IF NOT EXISTS buckets (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    bucket TEXT NOT NULL,
    signature TEXT NOT NULL,
    kind TEXT,
    count INTEGER,
    tests TEXT, sims TEXT, seeds TEXT,   -- JSON lists
    repro TEXT,
    PRIMARY KEY (run_id, bucket)
);
CREATE INDEX IF NOT EXISTS buckets_by_id ON buckets(bucket);
"""
SIGNOFF_COLUMNS = (
    "functional_pct",
    "line_pct",
    "branch_pct",
    "toggle_pct",
    "expr_pct",
    "kill_rate",
    "formal",
    "ready",
    "reported",
)


def connect(path: Path | str) -> sqlite3.Connection:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(SCHEMA)
    cols = {r["name"] for r in db.execute("PRAGMA table_info(runs)")}
    if "arch_config" not in cols:  # a database written before runs had a configuration
        db.execute("ALTER TABLE runs ADD COLUMN arch_config TEXT NOT NULL DEFAULT 'default'")
    return db


def record_run(path: Path | str, summary: dict) -> int:
    """Insert or replace the row of the run of ``summary`` (summary.json) and its buckets;
    sign-off columns already written by a report are kept. Returns the run's id."""
    m, c = summary["meta"], summary["counts"]
    total = sum(c.values())
    row = {
        "run_dir": m["run_dir"],
        "date": m["date"],
        "git_rev": m.get("git_rev"),
        "level": m.get("level"),
        "arch_config": m.get("arch_config") or "default",
        "sims": json.dumps(m.get("sims", [])),
        "seeds": json.dumps(m.get("seeds", [])),
        "runs": total,
        "passed": c.get("passed", 0),
        "failed": c.get("failed", 0),
        "timeout": c.get("timeout", 0),
        "error": c.get("error", 0),
        "pass_rate": round(100.0 * c.get("passed", 0) / total, 2) if total else None,
    }
    with closing(connect(path)) as db, db:
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        sets = ", ".join(f"{k} = excluded.{k}" for k in row if k != "run_dir")
        db.execute(
            f"INSERT INTO runs ({cols}) VALUES ({marks}) ON CONFLICT(run_dir) DO UPDATE SET {sets}",
            row,
        )
        run_id = db.execute("SELECT id FROM runs WHERE run_dir = ?", (m["run_dir"],)).fetchone()[0]
        db.execute("DELETE FROM buckets WHERE run_id = ?", (run_id,))
        db.executemany(
            "INSERT INTO buckets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    b["id"],
                    b["signature"],
                    b["kind"],
                    b["count"],
                    json.dumps(b["tests"]),
                    json.dumps(b["sims"]),
                    json.dumps(b["seeds"]),
                    b["repro"],
                )
                for b in summary.get("buckets", [])
            ],
        )
    return run_id


def record_signoff(path: Path | str, run_dirs: list[str], figures: dict) -> None:
    """Write a report's figures (keys of :data:`SIGNOFF_COLUMNS`) into the rows of its runs."""
    bad = set(figures) - set(SIGNOFF_COLUMNS)
    if bad:
        raise ValueError(f"unknown history columns {sorted(bad)}")
    sets = ", ".join(f"{k} = :{k}" for k in figures)
    with closing(connect(path)) as db, db:
        for d in run_dirs:
            db.execute(
                f"UPDATE runs SET {sets} WHERE run_dir = :run_dir", {**figures, "run_dir": d}
            )


def mark_buckets(path: Path | str, run_dirs: list[str], buckets: list[dict]) -> list[dict]:
    """``buckets`` of the runs in ``run_dirs``, each with ``seen`` = "NEW" or "KNOWN" and, when
    known, ``first_seen`` (date), ``first_rev`` and ``runs_seen``: the other runs of the same
    configurations, started before the newest of ``run_dirs``, that had the same signature."""
    marks = ", ".join("?" * len(run_dirs))
    with closing(connect(path)) as db:
        mine = db.execute(
            f"SELECT MAX(date) FROM runs WHERE run_dir IN ({marks})", run_dirs
        ).fetchone()[0]
        configs = [
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT arch_config FROM runs WHERE run_dir IN ({marks})", run_dirs
            )
        ]
        cmarks = ", ".join("?" * len(configs))
        out = []
        for b in buckets:
            prev = []
            if mine is not None:
                prev = db.execute(
                    "SELECT r.date, r.git_rev FROM buckets b JOIN runs r ON r.id = b.run_id "
                    f"WHERE b.bucket = ? AND r.run_dir NOT IN ({marks}) AND r.date < ? "
                    f"AND r.arch_config IN ({cmarks}) ORDER BY r.date, r.id",
                    (b["id"], *run_dirs, mine, *configs),
                ).fetchall()
            if prev:
                known = {
                    "seen": "KNOWN",
                    "first_seen": prev[0]["date"],
                    "first_rev": prev[0]["git_rev"],
                    "runs_seen": len(prev),
                }
                out.append(b | known)
            else:
                out.append(b | {"seen": "NEW", "first_seen": None, "runs_seen": 0})
    return out


def has_run(path: Path | str, run_dir: str) -> bool:
    with closing(connect(path)) as db:
        q = "SELECT 1 FROM runs WHERE run_dir = ?"
        return db.execute(q, (run_dir,)).fetchone() is not None


def trend(
    path: Path | str,
    levels: list[str] | None = None,
    limit: int = 30,
    configs: list[str] | None = None,
) -> list[dict]:
    """The last ``limit`` runs (of ``levels`` and of the configurations ``configs``, if given),
    oldest first, as dicts."""
    where: list[str] = []
    args: list = []
    for col, vals in (("level", levels), ("arch_config", configs)):
        if vals:
            where.append(f"{col} IN ({', '.join('?' * len(vals))})")
            args += vals
    q = "SELECT * FROM runs" + (f" WHERE {' AND '.join(where)}" if where else "")
    q += " ORDER BY date DESC, id DESC LIMIT ?"
    with closing(connect(path)) as db:
        rows = [dict(r) for r in db.execute(q, [*args, limit]).fetchall()]
        for r in rows:
            r["buckets"] = db.execute(
                "SELECT COUNT(*) FROM buckets WHERE run_id = ?", (r["id"],)
            ).fetchone()[0]
    return rows[::-1]


def plot_trend(rows: list[dict], png: Path) -> Path | None:
    """Pass rate, functional and code coverage and kill rate per run (matplotlib PNG)."""
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = list(range(1, len(rows) + 1))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    series = (
        ("pass_rate", "pass rate", "o-", "#2e7d32"),
        ("functional_pct", "functional coverage", "s-", "#1565c0"),
        ("line_pct", "line coverage", "^--", "#6a1b9a"),
        ("branch_pct", "branch coverage", "v--", "#00838f"),
        ("toggle_pct", "toggle coverage", "d--", "#8d6e63"),
        ("kill_rate", "mutation kill rate", "*-", "#c62828"),
    )
    for key, label, style, color in series:
        pts = [(i, r[key]) for i, r in zip(x, rows, strict=True) if r.get(key) is not None]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, color=color, label=label)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    step = max(1, -(-len(x) // 12))  # at most 12 labels: date and commit of the run
    ax.set_xticks(
        x[::step],
        [f"{r['date'][5:16]}\n{(r['git_rev'] or '')[:7]}" for r in rows[::step]],
        fontsize=7,
    )
    levels = ", ".join(sorted({str(r["level"]) for r in rows}))
    ax.set_title(f"Trend over the last {len(rows)} runs ({levels})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    return save_figure(fig, png, 90)
