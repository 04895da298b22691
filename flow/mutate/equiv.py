"""Bounded formal equivalence of a mutated module against the original (Yosys ``sat``).

For mutant i of module M (the MCY miter, generated from the module's ports):

- M is flattened (its submodules inlined), its RTL assertions removed (they are checkers, not
  behaviour), and the mutation applied with ``-ctrl mutsel 1 1``; a miter instantiates it twice,
  ``mutsel = 0`` (original) and ``mutsel = 1`` (mutant), on the same inputs, and
  ``fmcombine`` merges the two copies into one module with forward hints (a cell whose inputs
  are equal in both copies has equal outputs), so the solver only works on the mutation's cone.
- The miter asserts, at every step, that every output is equal in both copies, except that the
  payload of a valid/ready stream is compared only while its valid is high: an output
  ``<p>..`` with an output ``<p>valid[_o]`` beside it (the longest such prefix; the house naming
  ``<name>_valid/_data`` and AXI's ``<ch>valid``/``<ch>data``) is a payload of that stream.
- Yosys ``sat -tempinduct`` (its built-in MiniSAT, no external solver) starts both copies from
  the same all-zero state with reset asserted in step 1, inputs free afterwards, and runs
  temporal induction up to ``depth`` steps: a failing base case is a counterexample (the
  mutant is observable at M's ports: not equivalent); a closing induction step proves
  equivalence; reaching ``depth`` without either is equivalence within ``depth`` cycles of
  reset (bounded). A check that runs out of time is ``unknown``.

Module-level equivalence is conservative for the kill rate: inputs are unconstrained, so a
difference that only illegal input sequences (which the rest of the design never produces)
expose still counts as "not equivalent".
"""

from __future__ import annotations

import json
from pathlib import Path

from .design import rel

STATUSES = ("not_equivalent", "equivalent", "equivalent_bounded", "unknown")


def stream_valid(ports: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Output payload port -> the output valid port that qualifies it."""
    valids = {
        n: n[: n.rindex("valid")]
        for n, (d, w) in ports.items()
        if d == "output"
        and w == 1
        and ("valid" in n)
        and (n.endswith("valid") or n.endswith("valid_o"))
    }
    out = {}
    for n, (d, _) in ports.items():
        if d != "output" or n in valids:
            continue
        best = max(
            (v for v, pre in valids.items() if pre and n.startswith(pre)),
            key=lambda v: len(valids[v]),
            default=None,
        )
        if best:
            out[n] = best
    return out


def miter_sv(ports: dict[str, tuple[str, int]]) -> str:
    ins = [(n, w) for n, (d, w) in ports.items() if d == "input"]
    outs = [(n, w) for n, (d, w) in ports.items() if d == "output"]
    qual = stream_valid(ports)

    def rng(w: int) -> str:
        return f"[{w - 1}:0] " if w > 1 else ""

    lines = ["module miter ("]
    lines.append(",\n".join(f"    input logic {rng(w)}{n}" for n, w in ins))
    lines.append(");")
    for n, w in outs:
        lines.append(f"  logic {rng(w)}g_{n}, m_{n};")
    for inst, sel, pre in (("u_gold", "1'b0", "g_"), ("u_gate", "1'b1", "m_")):
        conns = (
            [f".mutsel({sel})"]
            + [f".{n}({n})" for n, _ in ins]
            + [f".{n}({pre}{n})" for n, _ in outs]
        )
        lines.append(f"  mut {inst} ({', '.join(conns)});")
    lines.append("  always @* begin")
    for n, _ in outs:
        if n in qual:
            lines.append(f"    if (g_{qual[n]}) assert (g_{n} == m_{n});")
        else:
            lines.append(f"    assert (g_{n} == m_{n});")
    lines.append("  end")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def module_ports(design_json: Path, module: str) -> dict[str, tuple[str, int]]:
    mods = json.loads(design_json.read_text())["modules"]
    m = mods.get(module) or mods["\\" + module]
    return {n: (p["direction"], len(p["bits"])) for n, p in m["ports"].items()}


def script(
    design_il: Path,
    module: str,
    mutate_cmd: str,
    miter: Path,
    depth: int,
    sat_timeout: int,
    clock: str = "clk_i",
    reset: str = "rst_ni",
) -> str:
    """The Yosys script of one check (``mutate_cmd`` without -ctrl, naming ``module``)."""
    ymod = module[1:] if module.startswith("\\") else module
    cmd = mutate_cmd.replace(f"-module {ymod} ", "-module mut ", 1)
    cmd = "mutate -ctrl mutsel 1 1 " + cmd[len("mutate ") :]
    sat = (
        f"sat -tempinduct -prove-asserts -set-assumes -set-init-zero -maxsteps {depth} "
        f"-timeout {sat_timeout}"
    )
    return (
        "\n".join(
            [
                f"read_rtlil {rel(design_il)}",
                f"hierarchy -top {ymod}",
                "flatten",
                "delete t:$check t:$print t:$assert t:$assume t:$cover",
                f"rename {ymod} mut",
                cmd,
                f"read_verilog -sv -formal {rel(miter)}",
                "hierarchy -top miter",
                "proc",
                "fmcombine miter u_gold u_gate",
                "flatten",
                "opt -fast",
                "memory_map",
                "async2sync",
                "opt_clean",
                sat + (f" -set-at 1 {reset} 0" if reset else "") + " miter",
            ]
        )
        + "\n"
    )


def verdict(log_text: str, timed_out: bool) -> tuple[str, str]:
    """(status, detail) from the log of a check."""
    if "model found for base case: FAIL" in log_text or "model found: FAIL" in log_text:
        step = ""
        for ln in log_text.splitlines():
            if ln.startswith("[base case "):
                step = ln.split("]")[0][len("[base case ") :]
        return "not_equivalent", f"counterexample {step} cycles after reset"
    if "Induction step proven: SUCCESS" in log_text:
        return "equivalent", "proved by temporal induction"
    if "Interrupted SAT solver: TIMEOUT" in log_text or timed_out:
        return "unknown", "solver time limit"
    if "Reached maximum number of time steps" in log_text:
        return "equivalent_bounded", "no difference within the depth"
    return "unknown", "no verdict in the log"
