"""Results of a regression: per-run records, merged JUnit XML (junitparser), summary JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

STATUSES = ("passed", "failed", "timeout", "error")


def read_cocotb_results(path: Path, test: str) -> dict | None:
    """{"cocotb_status", "sim_time_ns", "message"} of ``test`` in a cocotb results.xml."""
    if not path.exists():
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    for case in root.iter("testcase"):
        if case.get("name") != test:
            continue
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        sim_ns = props.get("sim_time_duration") or case.get("sim_time_ns") or 0
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        status = (
            "skipped"
            if case.find("skipped") is not None
            else ("failed" if bad is not None else "passed")
        )
        msg = (bad.get("message") or bad.text or "").strip() if bad is not None else ""
        return {"cocotb_status": status, "sim_time_ns": float(sim_ns), "message": msg}
    return None


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(text[-lines:])


def first_error_line(path: Path) -> str:
    """The most telling line of a sim log: first ERROR/assertion/Traceback line, if any."""
    try:
        for line in path.read_text(errors="replace").splitlines():
            s = line.strip()
            if (
                " ERROR " in line
                or "AssertionError" in line
                or "FAILED:" in line
                or "TIMEOUT" in line
                or s.startswith("ERROR:")
            ):
                return s[:300]
    except OSError:
        pass
    return ""


def write_junit(records: list[dict], path: Path, name: str) -> None:
    """One testsuite per simulator; one testcase per (test, seed); crashes are <error>."""
    xml = JUnitXml(name)
    for sim in sorted({r["sim"] for r in records}):
        suite = TestSuite(f"{name}.{sim}")
        suite.add_property("sim", sim)
        mine = sorted((r for r in records if r["sim"] == sim), key=lambda r: (r["test"], r["seed"]))
        for r in mine:
            case = TestCase(
                f"{r['test']}[seed={r['seed']}]",
                classname=f"{sim}.{r['module']}",
                time=round(r["wall_s"], 3),
            )
            text = f"{r.get('message', '')}\nrepro: {r['repro']}\nlog: {r['log']}"
            if r["status"] == "failed":
                case.result = [Failure(r.get("message") or "test failed", "failure")]
                case.system_out = text
            elif r["status"] in ("timeout", "error"):
                case.result = [Error(r.get("message") or r["status"], r["status"])]
                case.system_out = text
            elif r["status"] == "skipped":
                case.result = [Skipped("not run")]
            suite.add_testcase(case)
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    path.parent.mkdir(parents=True, exist_ok=True)
    xml.write(str(path), pretty=True)


def write_json(obj, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=str))
    tmp.replace(path)


def counts(records: list[dict]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for r in records:
        out[r["status"]] = out.get(r["status"], 0) + 1
    return out
