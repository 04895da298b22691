"""Failure triage: one normalised signature per failing run, and buckets of equal signatures.

A signature is ``<kind>: <first error line>`` with numbers, hex values, paths and times masked,
so that the same bug hit by different seeds, tests or simulators lands in one bucket:

- ``rtl-assertion``: an RTL check of rtl/pnc_assert.svh stopped the simulator (Verilator prints
  ``[<instance>] assertion <Name> failed`` or a stream-rule message);
- ``scoreboard``: the scoreboard compared an observed job with the model and found problems;
- ``cocotb-assertion``: any other failure of the cocotb test (a Python ``assert`` or exception);
- ``negative-test``: a test that must fail (``expect = "fail"``) passed;
- ``timeout``: the run was killed at its ``timeout_s``;
- ``crash``: no result at all (simulator died, build error, lost work item).

Standard library only; every input is a result record of :mod:`flow.regress.cli`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

KINDS = ("rtl-assertion", "scoreboard", "cocotb-assertion", "negative-test", "timeout", "crash")

# An RTL check's message as the simulator prints it (the macros' $error text), with or without
# Verilator's "%Error: file:line: Assertion failed in TOP...:" prefix.
_RTL_ASSERT = re.compile(
    r"\[(?P<where>[^\]\s]+)\] (?P<what>(assertion \S+ failed|\S+ dropped before ready|"
    r"\S+ changed while stalled|\S+ is X/Z)[^\n]*)"
)
_VERILATOR_ASSERT = re.compile(r"%Error: \S+:\d+: Assertion failed in (?P<where>\S+?):? ")

# Order matters: paths before numbers (a path holds digits), hex before decimals.
_MASKS = (
    # absolute or ./ ../ paths, and relative ones with two separators or a file extension
    (re.compile(r"(?<![\w.])\.{0,2}/[\w.+-]+(?:/[\w.+-]+)*"), "<path>"),
    (re.compile(r"\b[\w.+-]+(?:/[\w.+-]+){2,}|\b[\w+-]+/[\w+-]+\.[A-Za-z]\w*\b"), "<path>"),
    (re.compile(r"\b0[xX][0-9a-fA-F_]+\b|\b\d+'[hH][0-9a-fA-F_xXzZ]+\b"), "<hex>"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*(?:ns|ps|us|ms|fs|s)\b"), "<time>"),
    (re.compile(r"\b(seed)[= ]?\d+\b", re.IGNORECASE), r"\1=<n>"),
    (re.compile(r"(?<![A-Za-z_])[-+]?\d+(?:\.\d+)?"), "<n>"),
)
MAX_LINE = 200


def mask(line: str) -> str:
    """``line`` with paths, hex values, times, seeds and numbers replaced by placeholders."""
    s = line.strip()
    for rx, rep in _MASKS:
        s = rx.sub(rep, s)
    return re.sub(r"\s+", " ", s)[:MAX_LINE]


def _read(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _instance_module(where: str) -> str:
    """``pnc_top.u_core.u_fifo`` -> ``u_fifo``: the instance, not the hierarchy above it (the
    same check in another instance of a module is the same kind of bug)."""
    return where.rstrip(":").split(".")[-1]


def rtl_assertion(text: str) -> str:
    """The first RTL check message in a simulator log, as ``<instance>: <message>``, or ""."""
    m = _RTL_ASSERT.search(text)
    if m:
        return f"{_instance_module(m.group('where'))}: {m.group('what').strip()}"
    m = _VERILATOR_ASSERT.search(text)
    if m:
        return f"{_instance_module(m.group('where'))}: assertion failed"
    return ""


def first_line(message: str) -> str:
    for ln in (message or "").splitlines():
        if ln.strip():
            return ln.strip()
    return ""


def classify(rec: dict) -> tuple[str, str]:
    """(kind, first error line, unmasked) of a non-passing result record."""
    status = rec["status"]
    msg = first_line(rec.get("message", ""))
    if status == "timeout":
        return "timeout", msg or "timeout"
    log_text = _read(rec.get("log"))
    amsg = rtl_assertion(log_text)
    if amsg:
        return "rtl-assertion", amsg
    if status == "error":
        # The worker's own log has the exception that ended the run (e.g. the simulator's exit
        # status); a signal in the simulator's log says more.
        for ln in log_text.splitlines():
            if re.search(r"Segmentation fault|core dumped|Aborted|terminate called|%Error", ln):
                return "crash", ln.strip()
        return "crash", msg or "no result (simulator crash or build error)"
    if msg.startswith("negative test passed"):
        return "negative-test", msg
    if msg.startswith("scoreboard:"):
        # "scoreboard: N problems, first: job K: <what>: <detail>" -> the first problem's kind
        # and detail; the count of problems is not part of the bug's identity.
        return "scoreboard", re.sub(r"^scoreboard: (\d+ problems?, first: )?", "", msg)
    return "cocotb-assertion", msg or "cocotb test failed"


def signature(rec: dict) -> str:
    kind, line = classify(rec)
    return f"{kind}: {mask(line)}"


def bucket_id(sig: str) -> str:
    """A short stable id of a signature (the history database's key)."""
    return hashlib.sha1(sig.encode()).hexdigest()[:10]


def annotate(recs: list[dict]) -> None:
    """Set ``signature`` and ``bucket`` on every non-passing record (in place)."""
    for r in recs:
        if r["status"] != "passed":
            r["signature"] = signature(r)
            r["bucket"] = bucket_id(r["signature"])


def buckets(recs: list[dict]) -> list[dict]:
    """Failing records grouped by signature, largest bucket first.

    Each bucket: id, signature, kind, count, tests, sims, seeds, statuses, and one example
    (the lowest seed) with its repro line, message and log.
    """
    groups: dict[str, list[dict]] = {}
    for r in recs:
        if r["status"] == "passed":
            continue
        sig = r.get("signature") or signature(r)
        groups.setdefault(sig, []).append(r)
    out = []
    for sig, rs in groups.items():
        ex = min(rs, key=lambda r: (r["seed"], r["sim"], r["test"]))
        out.append(
            {
                "id": bucket_id(sig),
                "signature": sig,
                "kind": sig.split(":", 1)[0],
                "count": len(rs),
                "tests": sorted({r["test"] for r in rs}),
                "sims": sorted({r["sim"] for r in rs}),
                "seeds": sorted({r["seed"] for r in rs}),
                "statuses": sorted({r["status"] for r in rs}),
                "repro": ex["repro"],
                "message": first_line(ex.get("message", "")),
                "log": ex.get("log"),
                "waves": ex.get("waves"),
            }
        )
    out.sort(key=lambda b: (-b["count"], b["signature"]))
    return out
