"""Coverage data: cocotb-coverage XML exports (functional) and Verilator coverage.dat (code).

Functional: each test run exports ``coverage/<Test>-<sim>-seed<n>.xml`` (verif/env/coverage.py,
``PNC_COV_DIR``). Here an XML is read into {coverpoint: {"at_least": n, "bins": {label: hits}}};
runs merge by adding hits. Code: Verilator's ``coverage.dat`` (SystemC::Coverage-3 text) is read
into {point key: (file, line, type, count)}; runs merge by adding counts, as verilator_coverage
does.
"""

from __future__ import annotations

import fnmatch
import tomllib
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

# ----------------------------------------------------------------------------- functional


def read_functional(path: Path) -> dict[str, dict]:
    """Coverpoints/crosses of one cocotb-coverage XML export, keyed by dotted name."""
    out: dict[str, dict] = {}
    root = ET.parse(path).getroot()
    for el in root.iter():
        kids = [k for k in el if k.get("hits") is not None]
        if not kids:
            continue
        name = el.get("abs_name", el.tag)
        if name.startswith("top."):
            name = name[4:]
        out[name] = {
            "at_least": int(el.get("at_least", 1) or 1),
            "bins": {k.get("bin"): int(k.get("hits")) for k in kids},
        }
    return out


def merge_functional(dbs) -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for db in dbs:
        for cp, d in db.items():
            m = merged.setdefault(cp, {"at_least": d["at_least"], "bins": {}})
            for b, h in d["bins"].items():
                m["bins"][b] = m["bins"].get(b, 0) + h
    return merged


def group_of(coverpoint: str) -> str:
    """Covergroup of a coverpoint: its first two name components (``pnc.slices``)."""
    return ".".join(coverpoint.split(".")[:2])


def load_waivers(path: Path | None) -> list[dict]:
    if path is None or not Path(path).exists():
        return []
    ws = tomllib.loads(Path(path).read_text()).get("waiver", [])
    for w in ws:
        if not w.get("reason"):
            raise ValueError(f"{path}: waiver {w.get('bin')!r} has no reason")
    return ws


def waiver_for(coverpoint: str, label: str, waivers: list[dict]) -> dict | None:
    for w in waivers:
        pat = w["bin"]
        cp_pat, _, bin_pat = pat.partition("/")
        if fnmatch.fnmatchcase(coverpoint, cp_pat) and fnmatch.fnmatchcase(label, bin_pat or "*"):
            return w
    return None


def functional_stats(merged: dict[str, dict], waivers: list[dict]) -> dict:
    """Per covergroup and per coverpoint: bins, hit, waived, percent, holes."""
    groups: dict[str, dict] = {}
    points = {}
    for cp in sorted(merged):
        d = merged[cp]
        hit = waived = 0
        holes, waived_bins = [], []
        for label, h in d["bins"].items():
            if h >= d["at_least"]:
                hit += 1
            elif (w := waiver_for(cp, label, waivers)) is not None:
                waived += 1
                waived_bins.append({"bin": label, "reason": w["reason"]})
            else:
                holes.append(label)
        total = len(d["bins"])
        need = total - waived
        pct = 100.0 * hit / need if need else 100.0
        points[cp] = {
            "bins": total,
            "hit": hit,
            "waived": waived,
            "pct": pct,
            "holes": holes,
            "waived_bins": waived_bins,
            "hits": d["bins"],
        }
        g = groups.setdefault(group_of(cp), {"bins": 0, "hit": 0, "waived": 0, "coverpoints": []})
        g["bins"] += total
        g["hit"] += hit
        g["waived"] += waived
        g["coverpoints"].append(cp)
    for g in groups.values():
        need = g["bins"] - g["waived"]
        g["pct"] = 100.0 * g["hit"] / need if need else 100.0
        g["sampled"] = g["hit"] > 0 or any(
            sum(merged[c]["bins"].values()) > 0 for c in g["coverpoints"]
        )
    tb = sum(g["bins"] for g in groups.values())
    th = sum(g["hit"] for g in groups.values())
    tw = sum(g["waived"] for g in groups.values())
    return {
        "groups": groups,
        "points": points,
        "bins": tb,
        "hit": th,
        "waived": tw,
        "pct": 100.0 * th / (tb - tw) if tb - tw else 100.0,
    }


def sampled_groups(merged: dict[str, dict]) -> set[str]:
    return {group_of(cp) for cp, d in merged.items() if any(h > 0 for h in d["bins"].values())}


# ----------------------------------------------------------------------------- code (Verilator)
CODE_TYPES = ("line", "branch", "toggle", "expr", "user")  # expr: Verilator --coverage-expr


_POINT_META: dict[str, tuple[str, int, str]] = {}  # point key -> (file, line, type), shared


def _point_meta(key: str) -> tuple[str, int, str]:
    meta = _POINT_META.get(key)
    if meta is None:
        fields = dict(kv.split("\x02", 1) for kv in key.split("\x01") if "\x02" in kv)
        page = fields.get("page", "")
        ctype = page.split("/")[0].removeprefix("v_") if page else fields.get("t", "other")
        meta = _POINT_META[key] = (fields.get("f", "?"), int(fields.get("l", 0) or 0), ctype)
    return meta


def read_verilator_dat(path: Path) -> dict[str, list]:
    """{point key: [file, line, type, count]} of one coverage.dat (lines ``C '<key>' <count>``)."""
    out: dict[str, list] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.startswith("C '"):
                continue
            key, _, count = line[3:].rstrip().rpartition("' ")
            c = int(count)
            if key in out:
                out[key][3] += c
            else:
                out[key] = [*_point_meta(key), c]
    return out


def merge_code(dbs) -> dict[str, list]:
    merged: dict[str, list] = {}
    for db in dbs:
        for k, v in db.items():
            if k in merged:
                merged[k][3] += v[3]
            else:
                merged[k] = list(v)
    return merged


def code_stats(merged: dict[str, list]) -> dict:
    """Per file and in total: points and points hit, per coverage type."""
    files: dict[str, dict] = defaultdict(lambda: {t: [0, 0] for t in CODE_TYPES})
    total = {t: [0, 0] for t in CODE_TYPES}
    for f, _line, t, c in merged.values():
        t = t if t in CODE_TYPES else "user"
        files[f][t][0] += 1
        total[t][0] += 1
        if c > 0:
            files[f][t][1] += 1
            total[t][1] += 1

    def pct(p):
        return None if p[0] == 0 else 100.0 * p[1] / p[0]

    return {
        "files": {
            f: {t: {"points": v[0], "hit": v[1], "pct": pct(v)} for t, v in d.items()}
            for f, d in sorted(files.items())
        },
        "total": {t: {"points": v[0], "hit": v[1], "pct": pct(v)} for t, v in total.items()},
    }
