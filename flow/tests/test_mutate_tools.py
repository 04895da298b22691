"""Tests of the mutation flow (flow/mutate) without a long campaign.

Pure-Python parts (assertion-macro rewrite, allocation, activation probes, miter generation,
verdicts, kill classification, kill rate) on small inputs, and one Yosys round trip on pnc_fifo:
mutants listed, applied with one mutsel input, probes added, netlist written back, the
wrapper generated; then the netlist simulated on Icarus with mutsel = 0 (the original) and
with a mutant, checking the activation file and that some mutant changes the outputs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from flow.mutate import campaign, design, equiv, netlist, report

ROOT = Path(__file__).resolve().parents[2]


def test_rewrite_calls_balanced_parentheses():
    text = 'if (a) $error("[%m] %s", f(b)); x = $isunknown(s[1]) || $isunknown((c));'
    out = design._rewrite_calls(text, "$error", lambda a: f"ERR<{a}>")
    assert out.startswith('if (a) ERR<"[%m] %s", f(b)>;')
    out = design._rewrite_calls(out, "$isunknown", lambda a: "1'b0")
    assert out.endswith("x = 1'b0 || 1'b0;")


def test_assert_prelude_keeps_every_macro(tmp_path):
    p = design.assert_prelude(tmp_path / "a.svh")
    text = p.read_text()
    for macro in ("PNC_ASSERT(", "PNC_ASSERT_STREAM_CLR(", "PNC_STATIC_ASSERT("):
        assert f"`define {macro}" in text
    assert "$error(" not in text and "$isunknown(" not in text
    assert text.count("assert (1'b0)") == design.ASSERT_SVH.read_text().count("$error(")


def test_allocate_weighted_with_floor():
    sizes = {"big": 9000, "mid": 900, "small": 10, "tiny": 2, "none": 0}
    a = design.allocate(sizes, 100, 3)
    assert sum(a.values()) == 100 and "none" not in a
    assert a["tiny"] == 2 and a["small"] == 3  # floor, capped by the candidates
    assert a["big"] > 8 * a["mid"] / 1.2


def _fake_netlist():
    # mutsel bits 2,3; mutant 1 in two instances (muxes 10/11), mutant 2 with a constant.
    def eq(y, v):
        return {"type": "$eq", "connections": {"A": [2, 3], "B": [str(v & 1), str(v >> 1)],
                                                "Y": [y]}}  # fmt: skip

    def mux(a, b, s, y):
        return {"type": "$mux", "connections": {"A": [a], "B": [b], "S": [s], "Y": [y]}}

    return {
        "modules": {
            "top_mut": {
                "ports": {
                    "clk_i": {"direction": "input", "bits": [1]},
                    "mutsel": {"direction": "input", "bits": [2, 3]},
                    "q_o": {"direction": "output", "bits": [20, 21]},
                },
                "cells": {
                    "e1": eq(30, 1),
                    "e1b": eq(31, 1),
                    "e2": eq(32, 2),
                    "m1": mux(40, 41, 30, 42),
                    "m1b": mux(43, 44, 31, 45),
                    "m2": mux(46, "0", 32, 47),
                    "other": mux(1, 2, 3, 48),
                },
                "netnames": {"n": {"bits": list(range(1, 50))}},
            }
        }
    }


def test_add_mutcov_finds_every_instance():
    d = _fake_netlist()
    info = netlist.add_mutcov(d, "top_mut", 3)
    assert info.muxes == {1: 2, 2: 1}
    assert info.ports == [("clk_i", "input", 1), ("q_o", "output", 2)]
    mod = d["modules"]["top_mut"]
    bits = mod["ports"]["mutcov"]["bits"]
    assert len(bits) == 3 and bits[2] == "0"  # mutant 3 has no multiplexer
    ors = [c for c in mod["cells"].values() if c["type"] == "$reduce_or"]
    assert len(ors) == 1 and ors[0]["connections"]["Y"] == [bits[0]]
    xors = [c for c in mod["cells"].values() if c["type"] == "$xor"]
    assert len(xors) == 3


def test_read_mutcov(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text("10 205\n")
    assert netlist.read_mutcov(f, 10) == {1, 3, 10}  # 0x205: bits 0, 2, 9
    with pytest.raises(ValueError):
        netlist.read_mutcov(f, 11)


def test_stream_valid_and_miter():
    ports = {
        "clk_i": ("input", 1),
        "rst_ni": ("input", 1),
        "out_valid_o": ("output", 1),
        "out_data_o": ("output", 8),
        "count_o": ("output", 3),
        "m_axi_awvalid": ("output", 1),
        "m_axi_awaddr": ("output", 32),
        "m_axi_arvalid": ("output", 1),
        "m_axi_bready": ("output", 1),
    }
    q = equiv.stream_valid(ports)
    assert q == {"out_data_o": "out_valid_o", "m_axi_awaddr": "m_axi_awvalid"}
    sv = equiv.miter_sv(ports)
    assert "if (g_out_valid_o) assert (g_out_data_o == m_out_data_o);" in sv
    assert "    assert (g_count_o == m_count_o);" in sv
    assert "mut u_gate (.mutsel(1'b1)" in sv


def test_equivalence_verdicts():
    assert (
        equiv.verdict(
            "[base case 3] x\nSAT temporal induction proof finished - model found "
            "for base case: FAIL!",
            False,
        )[0]
        == "not_equivalent"
    )
    assert equiv.verdict("Induction step proven: SUCCESS!", False)[0] == "equivalent"
    assert (
        equiv.verdict("Reached maximum number of time steps -> proof failed.", False)[0]
        == "equivalent_bounded"
    )
    assert equiv.verdict("", True)[0] == "unknown"


SMALL_SV = """\
module small (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic [2:0] a_i,
  input  logic       sel_i,
  output logic [3:0] y_o
);
  logic [3:0] q_q;
  always_ff @(posedge clk_i or negedge rst_ni)
    if (!rst_ni) q_q <= '0;
    else q_q <= sel_i ? {1'b0, a_i} : 4'b1000;
  assign y_o = q_q;
endmodule
"""


@pytest.fixture(scope="module")
def small_design():
    """A registered mux whose B[3] is the constant 0: stuck-at-0 there is equivalent, stuck-at-1
    is visible at y_o one cycle after sel_i."""
    # One directory per process: pytest-xdist workers each build the fixture.
    base = ROOT / "build" / "mutate"
    base.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix="equiv_selftest-", dir=base))
    (d / "small.sv").write_text(SMALL_SV)
    design.run_yosys(
        f"read_verilog -sv {design.rel(d / 'small.sv')}\nprep -top small\n"
        f"write_rtlil {design.rel(d / 'design.il')}\nwrite_json {design.rel(d / 'design.json')}\n",
        d / "prep.ys",
        timeout_s=120,
    )
    cells = json.loads((d / "design.json").read_text())["modules"]["small"]["cells"]
    mux = next(n for n, c in cells.items() if c["type"] == "$mux")

    def rec(i, mode):
        cmd = f"mutate -mode {mode} -module small -cell {mux} -port B -portbit 3"
        return {"id": i, "module": "small", "yosys_module": "small", "command": cmd}

    yield d, rec(1, "const0"), rec(2, "const1")
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize(
    "rung, observable",
    [("equiv", "unknown"), ("sby", "not_equivalent"), ("sat", "not_equivalent")],
)
def test_equivalence_ladder_rungs_on_a_small_module(small_design, rung, observable):
    d, same, visible = small_design
    kw = {"rungs": (rung,), "seq": 2, "depth": 6, "timeout_s": 60, "sat_depth": 6}
    args = (ROOT, same, d / "design.il", d / "design.json", d / rung)
    res = equiv.ladder(*args, **kw)
    assert (res["status"], res["rung"]) == ("equivalent", rung), res
    assert [r["rung"] for r in res["rungs"]] == [rung] and res["seconds"] >= 0
    res = equiv.ladder(ROOT, visible, *args[2:], **kw)
    assert res["status"] == observable, res
    if rung == "equiv":  # this rung proves only; its failure names the output
        assert "y_o" in res["detail"]


def test_equivalence_ladder_stops_at_the_first_decisive_rung(small_design):
    d, same, visible = small_design
    args = (d / "design.il", d / "design.json", d / "ladder")
    res = equiv.ladder(ROOT, same, *args, rungs=("equiv", "sby"), seq=2, depth=6, timeout_s=60)
    assert [r["rung"] for r in res["rungs"]] == ["equiv"] and res["status"] == "equivalent"
    res = equiv.ladder(ROOT, visible, *args, rungs=("equiv", "sby"), seq=2, depth=6, timeout_s=60)
    assert [r["status"] for r in res["rungs"]] == ["unknown", "not_equivalent"]
    assert res["status"] == "not_equivalent" and res["rung"] == "sby"


def test_sby_verdicts():
    assert equiv.sby_verdict("SBY x DONE (PASS, rc=0)", False, 20)[0] == "equivalent"
    fail = "engine_0.basecase: ##   0:00:01  Checking assertions in step 3..\nDONE (FAIL, rc=2)"
    assert equiv.sby_verdict(fail, False, 20) == (
        "not_equivalent",
        "counterexample 3 cycles after reset",
        4,
    )
    bounded = (
        "Status returned by engine for induction: FAIL\n"
        "Status returned by engine for basecase: PASS\nDONE (UNKNOWN, rc=4)"
    )
    assert equiv.sby_verdict(bounded, False, 20)[0] == "equivalent_bounded"
    part = "engine_0.basecase: ##   0:00:01  Checking assertions in step 7..\n"
    assert equiv.sby_verdict(part, True, 20) == (
        "unknown",
        "time limit, no difference within 8 cycles",
        8,
    )
    assert equiv.equiv_verdict("Equivalence successfully proven!", False, {"y_o"})[0] == (
        "equivalent"
    )
    log = "  Unproven $equiv $auto$x: \\state_q_gold [2] \\state_q_gate [2]\n"
    assert equiv.equiv_verdict(log, False, {"y_o"}) == (
        "unknown",
        "internal state_q not proved",
        {"state_q"},
    )
    log = "  Unproven $equiv $auto$x: \\last_gold \\last_gate\n"  # a 1-bit wire
    assert equiv.equiv_verdict(log, False, {"y_o"})[2] == {"last"}
    log = "  Unproven $equiv $auto$x: \\y_o_gold [2] \\y_o_gate [2]\n"
    assert equiv.equiv_verdict(log, False, {"y_o"})[2] == set()


def test_assertion_message_names_the_module():
    log = (
        "[$paramod$3bf9\\pnc_fifo] out_data_o changed while stalled\n"
        "[2280000] %Error: mutated.v:42048: Assertion failed in pnc_top.u_mut\n"
    )
    assert campaign.assertion_message(log) == "pnc_fifo: out_data_o changed while stalled"
    assert campaign.assertion_message("all good") == ""


def _summary(statuses, level="nightly", eq=None):
    muts = []
    for i, s in enumerate(statuses, 1):
        r = {
            "id": i,
            "module": "m",
            "status": s,
            "activated_by": [["T", 1]],
            "kill": {"kind": "check", "test": "T"} if s == "killed" else None,
        }
        if eq and i in eq:
            r["equivalence"] = {"status": eq[i]}
        muts.append(r)
    return {
        "meta": {"tests": ["T"], "level": level, "count": len(muts), "generated": len(muts)},
        "mutants": muts,
    }


def test_kill_rate_definition_and_threshold(tmp_path):
    s = _summary(
        ["killed"] * 18 + ["survived", "not_covered", "survived"],
        eq={19: "equivalent", 21: "equivalent_bounded"},
    )
    report.finalize(s)
    c = s["counts"]
    # 21 mutants, 1 proved equivalent: 18 / 20; the bounded one stays a hole.
    assert (c["killed"], c["equivalent"], c["survived"], c["not_covered"]) == (18, 1, 1, 1)
    assert c["kill_rate"] == 90.0
    report.finalize(s)  # idempotent
    assert s["counts"]["kill_rate"] == 90.0
    cfg = tmp_path / "r.toml"
    cfg.write_text('[signoff.mutation]\nkill_pct = 85.0\nlevel = "nightly"\n')
    js = tmp_path / "mutate.json"
    js.write_text(json.dumps(s))
    assert report.kill_rate(js, cfg) == (90.0, 85.0, True)
    s["meta"]["level"] = "smoke"
    js.write_text(json.dumps(s))
    assert report.kill_rate(js, cfg) == (90.0, 85.0, False)
    assert report.kill_rate(tmp_path / "missing.json", cfg) == (None, 85.0, False)


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus")
def test_fifo_netlist_round_trip_and_simulation():
    out = ROOT / "build" / "mutate" / "selftest"
    if out.exists():
        shutil.rmtree(out)
    el = design.elaborate(out, "pnc_fifo")
    assert el.assertions > 0 and len(el.sizes) == 1
    mutants = design.list_mutations(el, out, design.allocate(el.sizes, 24, 1), seed=3)
    assert len(mutants) == 24 and all(m.module == "pnc_fifo" for m in mutants)
    assert all(m.src.startswith("rtl/pnc_fifo.sv:") for m in mutants)
    nl = design.build_netlist(el, mutants, out)
    assert nl.assertions > 0
    text = nl.netlist.read_text()
    assert "module pnc_fifo_mut(" in text and "output [23:0] mutcov" in text
    # A tiny Verilog bench: random pushes and pops, outputs hashed; run per mutsel value.
    tb = out / "tb.v"
    tb.write_text("""
module tb;
  logic clk_i = 0, rst_ni = 0, clr_i = 0, in_valid_i, out_ready_i;
  logic [7:0] in_data_i; logic in_ready_o, out_valid_o; logic [7:0] out_data_o;
  logic [1:0] count_o; integer i; reg [31:0] h = 0;
  pnc_fifo dut (.*);
  always #5 clk_i = !clk_i;
  initial begin
    in_valid_i = 0; out_ready_i = 0; in_data_i = 0;
    #12 rst_ni = 1;
    for (i = 0; i < 400; i = i + 1) begin
      @(negedge clk_i);
      in_valid_i = $random; out_ready_i = $random; in_data_i = $random;
      h = {h[30:0], h[31]} ^ {in_ready_o, out_valid_o, out_valid_o ? out_data_o : 8'h0, count_o};
    end
    $display("HASH %h", h);
    $finish;
  end
endmodule
""")
    vvp = out / "tb.vvp"
    subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            str(vvp),
            "-s",
            "tb",
            str(tb),
            str(nl.wrapper),
            str(nl.netlist),
        ],
        check=True,
        capture_output=True,
        text=True,
    )

    def run(sel: int) -> str:
        cov = out / f"cov{sel}.txt"
        res = subprocess.run(
            ["vvp", "-n", str(vvp), f"+mutsel={sel}", f"+mutcov={cov}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return next(ln.split()[1] for ln in res.stdout.splitlines() if ln.startswith("HASH"))

    golden = run(0)
    active = netlist.read_mutcov(out / "cov0.txt", 24)
    assert active, "random traffic activates some fifo mutants"
    changed = [m.id for m in mutants if m.id in active and run(m.id) != golden]
    assert changed, "some activated mutant changes the fifo's outputs"
    inactive = [m.id for m in mutants if m.id not in active]
    for mid in inactive[:2]:
        assert run(mid) == golden, f"mutant {mid} was never activated yet changed the outputs"


def test_reuse_takes_kills_of_the_same_netlist_only(tmp_path):
    old = {
        "meta": {"generation": "build/mutate/gen/abc123"},
        "mutants": [
            {"id": 1, "status": "killed", "kill": {"test": "A", "seed": 1, "kind": "check"}},
            {"id": 2, "status": "killed", "kill": {"test": "B", "seed": 7, "kind": "hang"}},
            {"id": 3, "status": "survived", "kill": None},
        ],
    }
    f = tmp_path / "old.json"
    f.write_text(json.dumps(old))
    got = campaign.reusable_kills(f, "abc123", {("A", 1), ("B", 1)})
    assert list(got) == [1]  # B seed 7 is not a run of this campaign
    with pytest.raises(design.MutateError):
        campaign.reusable_kills(f, "other", {("A", 1)})


def test_nightly_takes_over_a_complete_smoke_campaign_only(tmp_path):
    def write(**meta):
        m = {"generation": "build/mutate/gen/abc123", "level": "smoke", "count": 300}
        m.update(generated=300, **meta)
        (tmp_path / "mutate-smoke.json").write_text(json.dumps({"meta": m, "mutants": []}))

    write()
    assert campaign.lower_campaign(tmp_path, "nightly", "abc123") == tmp_path / "mutate-smoke.json"
    assert campaign.lower_campaign(tmp_path, "smoke", "abc123") is None
    assert campaign.lower_campaign(tmp_path, "nightly", "other") is None  # another netlist
    write(count=20)  # --limit 20
    assert campaign.lower_campaign(tmp_path, "nightly", "abc123") is None


def test_report_shows_the_lower_level_rate_beside():
    recs = [
        {"id": 1, "status": "killed", "kill": {"test": "A", "seed": 1, "kind": "check"}},
        {"id": 2, "status": "survived", "kill": None},
    ]
    summary = {
        "meta": {"level": "nightly", "reused_level": "smoke", "reused_counts": None},
        "counts": report.counts(recs),
    }
    assert report.lower_level(summary) == ""
    smoke = report.counts([recs[0], {**recs[1]}, {"id": 3, "status": "not_covered"}])
    summary["meta"]["reused_counts"] = smoke
    line = report.lower_level(summary)
    assert line.startswith("smoke level on the same mutants: kill rate 33.3 %")
    assert line.endswith("nightly level: 50.0 %")


def test_settings_per_level_number_or_table():
    st = {"eq_timeout_s": {"smoke": 20, "nightly": 60}, "seeds": 2}
    assert campaign.per_level(st, "eq_timeout_s", "smoke") == 20.0
    assert campaign.per_level(st, "eq_timeout_s", "nightly") == 60.0
    assert campaign.per_level(st, "seeds", "nightly") == 2.0
    with pytest.raises(design.MutateError, match="no value for level 'weekly'"):
        campaign.per_level(st, "eq_timeout_s", "weekly")
