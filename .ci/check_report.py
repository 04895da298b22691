"""CI check of a sign-off report as users see it: `python3 .ci/check_report.py build/ci/report`.

Fails (exit 1, one line per problem) unless the report directory has index.html with the
sign-off verdict and its sections, a Chromium screenshot (a PNG of real size), genhtml's
annotated sources with at least one annotated RTL file, and report.json with the same verdict.
Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SECTIONS = (
    "Testplan",
    "Functional coverage",
    "Code coverage (Verilator)",
    "Mutation analysis",
    "Formal proofs",
    "Failure buckets",
    "Trend",
)


def problems(rep: Path) -> list[str]:
    out = []
    page = rep / "index.html"
    if not page.exists():
        return [f"{page} missing: cov-report did not write the report"]
    text = page.read_text()
    if "Sign-off: READY" not in text and "Sign-off: NOT READY" not in text:
        out.append(f"{page}: no sign-off verdict")
    out += [f"{page}: no section {s!r}" for s in SECTIONS if f">{s}" not in text]
    data = json.loads((rep / "report.json").read_text())
    shown = "Sign-off: READY" in text
    if data["verdict"]["ready"] != shown:
        out.append("report.json and index.html disagree on the verdict")
    if not data["verdict"]["ready"] and not data["verdict"]["reasons"]:
        out.append("NOT READY without a reason")
    png = rep / "screenshot.png"
    if not png.exists() or png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        out.append(f"{png} missing or not a PNG: is chromium installed?")
    elif png.stat().st_size < 50_000:
        out.append(f"{png} is only {png.stat().st_size} bytes: a blank page?")
    if not (rep / "code" / "index.html").exists():
        out.append(f"{rep / 'code' / 'index.html'} missing: genhtml (lcov) did not run")
    sources = list((rep / "code").rglob("*.sv.gcov.html"))
    if not sources:
        out.append(f"{rep / 'code'}: no annotated RTL source (*.sv.gcov.html)")
    linked = [f for f, d in data["code"].get("files", {}).items() if d.get("html")]
    if not linked:
        out.append("code coverage table links no annotated source")
    out += [f"code coverage tool error: {e}" for e in data["code"].get("tool_errors", [])]
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 .ci/check_report.py REPORT_DIR", file=sys.stderr)
        return 2
    rep = Path(argv[1])
    bad = problems(rep)
    for p in bad:
        print(f"check_report: {p}", file=sys.stderr)
    if not bad:
        sources = len(list((rep / "code").rglob("*.sv.gcov.html")))
        print(f"check_report: {rep}: verdict, sections, screenshot, {sources} annotated sources")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
