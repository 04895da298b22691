"""Unit bench for pnc_wbuf: fill then several replays per n-group, byte-exact, with random input
gaps, output backpressure and command gaps; the fit rule of docs/architecture.md section 3.

Each "job" draws K, SBR and MB; its commands are, per n-group, FILL then MB-1 REPLAYs when the
weight streams fit the buffer (``align8(K*Lw) + align8(8 + 5K) <= WbufBytes``), else MB FILLs
that re-fetch the same words. The LO plane is one request (rd_last on its last word); the HO
stream is either the controller's header + records requests or one request. The output of each
stream must equal the concatenation of the commands' group words (data and last flags), and the
input side only supplies the FILL groups' words, so a word taken during a REPLAY would show up
as a mismatch.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cocotb
import numpy as np

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile, settle, setup, tick


def align8(n: int) -> int:
    return -(-n // 8) * 8


@dataclass
class Plan:
    """Commands and the word streams they imply: inputs (FILL groups) and expected outputs."""

    cmds: list[tuple[int, int]] = field(default_factory=list)  # (mode, fits)
    inp: tuple[list, list] = field(default_factory=lambda: ([], []))
    exp: tuple[list, list] = field(default_factory=lambda: ([], []))
    ideal: int = 0  # cycles of the command sequence at full rate


def group_words(rng: np.random.Generator, k: int, lw: int, bw: int) -> tuple[list, list]:
    """One PEA's LO plane and HO stream as bus words [(data, last)] (bw bytes per word)."""
    n_lo = -(-k * lw // bw)
    lo = [(int(v), i == n_lo - 1) for i, v in enumerate(rng.integers(0, 2**64, n_lo, np.uint64))]
    n_rec = int(rng.choice([0, k, int(rng.integers(0, k + 1))]))
    n_rest = -(-(8 + 5 * n_rec) // bw) - 1
    split = bool(rng.integers(0, 2))  # header + records requests (pnc_ctrl) or one request
    ho = [(n_rec | (k << 32), split or n_rest == 0)]
    rest = rng.integers(0, 2**64, n_rest, np.uint64)
    ho += [(int(v), i == n_rest - 1) for i, v in enumerate(rest)]
    return lo, ho


def make_plan(rng: np.random.Generator, cap: int, bw: int, n_jobs: int) -> Plan:
    plan = Plan()
    for _ in range(n_jobs):
        sbr = bool(rng.integers(0, 2))
        lw = 5 if sbr else 4
        k = int(rng.integers(1, 70))
        fits = int(cap > 0 and align8(k * lw) + align8(8 + 5 * k) <= cap)
        mb = int(rng.integers(1, 5))
        for _ng in range(int(rng.integers(1, 3))):
            lo, ho = group_words(rng, k, lw, bw)
            for m in range(mb):
                replay = fits and m > 0
                plan.cmds.append((int(replay), fits))
                if not replay:
                    plan.inp[0].extend(lo)
                    plan.inp[1].extend(ho)
                plan.exp[0].extend(lo)
                plan.exp[1].extend(ho)
                # one word per cycle while storing or replaying, both streams at once otherwise
                stored = fits and cap > 0
                plan.ideal += len(lo) + len(ho) if stored else max(len(lo), len(ho))
    return plan


def pack2(v0: int, v1: int, width: int) -> int:
    return v0 | (v1 << width)


async def run_plan(dut, rng: np.random.Generator, plan: Plan, p_idle: float, p_bp: float,
                   p_cmd_idle: float, tag: str) -> int:
    """Drive ``plan`` cycle by cycle; check every output word; return the cycles used."""
    dw = len(dut.in_data_i) // 2
    dmask = (1 << dw) - 1
    ci = 0
    cmd_pend = False
    ptr = [0, 0]
    pend = [False, False]
    word = [(0, False), (0, False)]
    got: tuple[list, list] = ([], [])
    n_exp = [len(plan.exp[0]), len(plan.exp[1])]
    cycles = 0
    limit = 50 * (sum(n_exp) + len(plan.cmds)) + 200
    while len(got[0]) < n_exp[0] or len(got[1]) < n_exp[1] or ci < len(plan.cmds):
        if not cmd_pend and ci < len(plan.cmds) and rng.random() >= p_cmd_idle:
            cmd_pend = True
            dut.mode_i.value, dut.fits_i.value = plan.cmds[ci]
        dut.start_i.value = int(cmd_pend)
        for s in (0, 1):
            if not pend[s] and ptr[s] < len(plan.inp[s]) and rng.random() >= p_idle:
                pend[s] = True
                word[s] = plan.inp[s][ptr[s]]
        dut.in_valid_i.value = pend[0] | (pend[1] << 1)
        dut.in_data_i.value = pack2(word[0][0], word[1][0], dw)
        dut.in_last_i.value = int(word[0][1]) | (int(word[1][1]) << 1)
        ready = [int(rng.random() >= p_bp) for _ in (0, 1)]
        dut.out_ready_i.value = ready[0] | (ready[1] << 1)
        await settle()
        in_rdy = int(dut.in_ready_o.value)
        out_v = int(dut.out_valid_o.value)
        out_d = int(dut.out_data_o.value)
        out_l = int(dut.out_last_o.value)
        took_cmd = cmd_pend and int(dut.start_ready_o.value)
        for s in (0, 1):
            if out_v >> s & 1 and ready[s]:
                i = len(got[s])
                w = ((out_d >> (s * dw)) & dmask, bool(out_l >> s & 1))
                assert i < n_exp[s], f"{tag}: stream {s} produced an extra word {w[0]:#x}"
                want = plan.exp[s][i]
                assert w == (want[0] & dmask, want[1]), \
                    f"{tag}: stream {s} word {i}: got {w[0]:#x} last {w[1]}, " \
                    f"expected {want[0] & dmask:#x} last {want[1]}"
                got[s].append(w)
        await tick(dut)
        cycles += 1
        assert cycles < limit, f"{tag}: stalled after {cycles} cycles, got " \
            f"{len(got[0])}/{n_exp[0]} LO and {len(got[1])}/{n_exp[1]} HO words, " \
            f"{ci}/{len(plan.cmds)} commands"
        if took_cmd:
            cmd_pend = False
            ci += 1
        for s in (0, 1):
            if pend[s] and in_rdy >> s & 1:
                pend[s] = False
                ptr[s] += 1
    dut.start_i.value = 0
    dut.in_valid_i.value = 0
    assert ptr == [len(plan.inp[0]), len(plan.inp[1])], f"{tag}: inputs left {ptr}"
    for _ in range(4):
        await settle()
        if int(dut.idle_o.value):
            break
        await tick(dut)
    assert int(dut.idle_o.value), f"{tag}: not idle at the end"
    await tick(dut)
    return cycles


async def reset_inputs(dut) -> None:
    for sig in ("start_i", "mode_i", "fits_i", "clear_i", "in_valid_i", "in_data_i",
                "in_last_i", "out_ready_i"):
        getattr(dut, sig).value = 0


@cocotb.test()
async def wbuf_fill_replay_random(dut):
    """Five gap/backpressure phases of random jobs; byte-exact outputs; full rate when free."""
    rng = make_rng("tb_pnc_wbuf")
    cap = int(dut.WbufBytes.value)
    bw = len(dut.in_data_i) // 16
    await reset_inputs(dut)
    await setup(dut)
    for phase in range(5):
        p_idle, p_bp = gap_profile(rng, phase)
        plan = make_plan(rng, cap, bw, n_jobs=6)
        p_cmd = 0.0 if phase == 0 else float(rng.uniform(0.0, 0.7))
        cyc = await run_plan(dut, rng, plan, p_idle, p_bp, p_cmd, f"phase {phase}")
        n_rep = sum(m for m, _ in plan.cmds)
        dut._log.info(f"phase {phase}: {len(plan.cmds)} commands ({n_rep} replays), "
                      f"{len(plan.exp[0])} LO + {len(plan.exp[1])} HO words out, "
                      f"{len(plan.inp[0]) + len(plan.inp[1])} in, {cyc} cycles "
                      f"(ideal {plan.ideal})")
        if phase == 0:
            assert cyc <= plan.ideal + 3 * len(plan.cmds) + 8, \
                f"no-stall phase took {cyc} cycles, ideal {plan.ideal}"


@cocotb.test()
async def wbuf_clear_mid_fill(dut):
    """clear_i in the middle of a stored FILL drops everything; the next sequence is clean."""
    rng = make_rng("tb_pnc_wbuf_clear")
    cap = int(dut.WbufBytes.value)
    bw = len(dut.in_data_i) // 16
    await reset_inputs(dut)
    await setup(dut)
    k = 20
    lo, ho = group_words(rng, k, 5, bw)
    fits = int(cap > 0 and align8(5 * k) + align8(8 + 5 * k) <= cap)
    dut.mode_i.value, dut.fits_i.value, dut.start_i.value = 0, fits, 1
    await tick(dut)
    dut.start_i.value, dut.mode_i.value = 1, 1 if fits else 0  # queue a REPLAY (or FILL) too
    await tick(dut)
    dut.start_i.value = 0
    dut.out_ready_i.value = 0
    dut.in_valid_i.value = 0b11
    dut.in_data_i.value = pack2(lo[0][0], ho[0][0], len(dut.in_data_i) // 2)
    dut.in_last_i.value = int(lo[0][1]) | (int(ho[0][1]) << 1)
    for _ in range(3):
        await tick(dut)
    dut.in_valid_i.value = 0
    dut.clear_i.value = 1
    await tick(dut)
    dut.clear_i.value = 0
    await settle()
    assert int(dut.out_valid_o.value) == 0, "words survived clear_i"
    assert int(dut.idle_o.value) == 1 and int(dut.start_ready_o.value) == 1
    await tick(dut)
    plan = make_plan(rng, cap, bw, n_jobs=3)
    await run_plan(dut, rng, plan, 0.3, 0.3, 0.3, "after clear")
