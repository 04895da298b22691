"""`make formal` checks: the proofs hold on the RTL, and a broken RTL copy is caught.

Every target in formal/*.sby runs (together several minutes of solver time, see
formal/README.md). The broken variants are single-line mutations of the real RTL, written to
build/formal-selftest/ with a copy of the target's .sby that reads the mutated file instead: each
must end FAIL with a counterexample VCD naming the violated property, so the proof flow can fail
(a target whose base case is shallow runs its mutant as BMC at a stated depth).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flow import formal

ROOT = formal.ROOT
SELFTEST = ROOT / "build" / "formal-selftest"

# (target, RTL file, original line, mutated line, property (regex) that must catch it)
MUTANTS = [
    (
        "pnc_fifo:d3",
        "pnc_fifo.sv",
        "assign in_ready_o  = (cnt_q != Full) || (PopPush && out_ready_i);",
        "assign in_ready_o  = (cnt_q != Full) || out_ready_i;",
        "NoOverflow",
    ),
    (
        "pnc_axi_wr:o2",
        "pnc_burst_split.sv",
        "    if (blen > LenW'(to_page)) blen = LenW'(to_page);\n",
        "\n",
        "AwNo4kCross",
    ),
    (
        "pnc_unpack",
        "pnc_unpack.sv",
        "mask = ~({64{1'b1}} << {item_bytes_i, 3'b000});",
        "mask = ~({64{1'b1}} << {item_bytes_i + 4'd1, 3'b000});",
        "UpperBytesZero",
    ),
    (
        "pnc_rle_dec:l4",
        "pnc_rle_dec.sv",
        "hdr_nrec > {16'd0, k_i}) begin",
        "hdr_nrec >= {16'd0, k_i}) begin",
        "NoFalseError|ErrorAsRef",
    ),
    (
        "pnc_wbuf",
        "pnc_stream_bank.sv",
        "assign credit_o = (occ + 2'(rv_q) < 2'd2) || pop;",
        "assign credit_o = (occ + 2'(rv_q) < 2'd3) || pop;",
        r"pnc_(wbuf|wbuf_props|stream_bank)\.sv",
    ),
]

# Targets whose proof has a shallow base case (depth 2 or 3): a bug a few cycles
# deep only makes their induction step fail (UNKNOWN), so their mutant runs as plain BMC at
# this depth, which must find the counterexample from reset.
MUTANT_BMC_DEPTH = {"pnc_rle_dec:l4": 8, "pnc_wbuf": 6}


def _tools_or_skip() -> None:
    try:
        formal.check_tools()
    except formal.UsageError as exc:
        pytest.skip(str(exc))


def test_every_target_proves() -> None:
    _tools_or_skip()
    targets = formal.load_targets(sorted(formal.FORMAL_DIR.glob("*.sby")))
    assert {t.name.split(":")[0] for t in targets} >= {
        "pnc_fifo",
        "pnc_axi_wr",
        "pnc_regs",
        "pnc_unpack",
        "pnc_rle_dec",
        "pnc_wbuf",
        "pnc_axi_rd",
    }
    results = formal.run_all(targets, jobs=2, timeout=formal.DEFAULT_TIMEOUT_S, echo=False)
    bad = [r.line() for r in results if r.status != "PASS"]
    assert not bad, "\n".join(bad)
    for r in results:
        assert r.assumptions >= 1, f"{r.name}: no documented ASSUMPTIONS list"
        if r.method == "k-induction":
            assert r.k is not None and r.k >= 1
        else:
            assert r.depth >= 20


@pytest.mark.parametrize("target,rtl,old,new,prop", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_broken_rtl_is_caught(target: str, rtl: str, old: str, new: str, prop: str) -> None:
    _tools_or_skip()
    stem, task = (target.split(":") + [None])[:2]
    SELFTEST.mkdir(parents=True, exist_ok=True)
    src = (ROOT / "rtl" / rtl).read_text()
    assert src.count(old) == 1, f"mutation site not found in rtl/{rtl}: {old!r}"
    mutated = SELFTEST / rtl
    mutated.write_text(src.replace(old, new))
    sby_text = (formal.FORMAL_DIR / f"{stem}.sby").read_text()
    rel = mutated.relative_to(ROOT)
    sby_text, n = re.subn(rf"^rtl/{re.escape(rtl)}$", f"{rtl} {rel}", sby_text, flags=re.M)
    assert n == 1
    if target in MUTANT_BMC_DEPTH:
        sby_text = re.sub(r"^mode \w+$", "mode bmc", sby_text, flags=re.M)
        sby_text = re.sub(r"^depth \d+$", f"depth {MUTANT_BMC_DEPTH[target]}", sby_text, flags=re.M)
    sby = SELFTEST / f"{stem}_broken.sby"
    sby.write_text(sby_text)
    (t,) = [x for x in formal.load_targets([sby]) if x.task == task]
    res = formal.run_target(t, out_dir=SELFTEST, timeout=600)
    assert res.status == "FAIL", res.line()
    assert any(re.search(prop, f) for f in res.failed), res.failed
    assert res.vcd and (ROOT / res.vcd[0]).exists()


def test_assumptions_are_documented_and_used() -> None:
    for props in sorted(formal.FORMAL_DIR.glob("*_props.sv")):
        text = props.read_text()
        n = formal.count_assumptions(props.relative_to(ROOT))
        assert n >= 1, f"{props.name}: no ASSUMPTIONS list"
        ids = re.findall(r"^//\s{2,}([A-Z]+\d+)\s", text.split("// ASSUMPTIONS", 1)[1], re.M)
        for ident in ids[:n]:
            used = ident == "R0" and "`PNC_F_RESET" in text or re.search(rf"\b{ident}_\w+", text)
            assert used, f"{props.name}: assumption {ident} is documented but not in the code"


def formal_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m flow.formal ARGS`` from the checkout, output captured."""
    cmd = [sys.executable, "-m", "flow.formal", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_unknown_target_is_one_line_exit_2() -> None:
    proc = formal_cli("no_such_block")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown formal target" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_list_names_every_task() -> None:
    proc = formal_cli("--list")
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert {
        "pnc_fifo:d1",
        "pnc_fifo:d3",
        "pnc_fifo:d4",
        "pnc_axi_wr:o2",
        "pnc_regs",
        "pnc_unpack",
        "pnc_rle_dec:l3",
        "pnc_rle_dec:l4",
        "pnc_rle_dec:l5",
        "pnc_wbuf",
        "pnc_axi_rd",
    } <= set(names)


def test_sby_files_name_existing_sources() -> None:
    for sby in sorted(Path(formal.FORMAL_DIR).glob("*.sby")):
        files = formal._sections(sby.read_text())["files"]
        for entry in files:
            src = entry.split()[-1]
            assert (ROOT / src).exists(), f"{sby.name}: {src} does not exist"
