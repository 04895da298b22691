"""Unit bench for pnc_wbuf: LOAD/PLAY command sequences as pnc_ctrl issues them (two slots with
the next n-group prefetched, one slot, no fit = pass-through), byte-exact, with random input
gaps, output backpressure and command gaps; the fit rule of docs/architecture.md section 3.

Each "job" draws K, SBR, MB and the number of n-groups; ``U = max(align_B(K*Lw), align_B(8+5K))``
decides the slots (2 when ``4U <= WbufBytes``, 1 when ``2U <= WbufBytes``, else pass-through).
Its commands follow the controller: in the first group of the job LOAD n-group 0 (slot 0) and,
with two slots, LOAD n-group 1 (slot 1); in the first group of every later n-group LOAD the next
n-group (two slots, slot = parity); with one slot, LOAD the next n-group into slot 0 in the last
group of the current one (the buffer refills the slot behind that group's PLAY; the LOAD
before or after the PLAY, at random); a PLAY per group (slot, last = last m-block). The input
side supplies each LOADed unit once (LO plane: one request, rd_last on its last word; HO
stream: the controller's header + records requests or one request); without a fit it supplies
every group's words. Each output stream must equal the concatenation of the
played units' words (data and last flags), so a word taken twice, dropped, or played from the
wrong slot shows up as a mismatch.
"""
from __future__ import annotations

from dataclasses import dataclass

import cocotb
import numpy as np
from panacea.memimage import align_bus

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile, settle, setup, tick
from verif.tests.unit._twostream import StreamPlan, pack2, run_plan


def slots_for(cap: int, k: int, lw: int) -> int:
    """Slots the controller uses for this K (architecture.md section 3 fit rule)."""
    need = max(align_bus(k * lw), align_bus(8 + 5 * k))
    return 2 if cap and 4 * need <= cap else 1 if cap and 2 * need <= cap else 0


@dataclass
class Plan(StreamPlan):
    """One job: fits flag, slots and the commands ("L", slot) or ("P", slot, last), inputs and
    expected outputs."""

    fits: int = 0
    slots: int = 0

    def configure(self, dut) -> None:
        dut.fits_i.value = self.fits

    def drive_cmd(self, dut, cmd) -> None:
        dut.load_i.value = int(cmd is not None and cmd[0] == "L")
        dut.play_i.value = int(cmd is not None and cmd[0] == "P")
        if cmd is not None:
            if cmd[0] == "L":
                dut.load_slot_i.value = cmd[1]
            else:
                dut.play_slot_i.value, dut.play_last_i.value = cmd[1], cmd[2]

    def cmd_ready(self, dut, cmd) -> int:
        return int((dut.load_ready_o if cmd[0] == "L" else dut.play_ready_o).value)


def _words(rng: np.random.Generator, n: int, bw: int) -> list[int]:
    """n random bus words of bw bytes."""
    if bw == 8:
        return [int(v) for v in rng.integers(0, 2**64, n, np.uint64)]
    raw = rng.integers(0, 256, (n, bw), np.uint8)
    return [int.from_bytes(r.tobytes(), "little") for r in raw]


def unit_words(rng: np.random.Generator, k: int, lw: int, bw: int) -> tuple[list, list]:
    """One PEA's LO plane and HO stream as bus words [(data, last)] (bw bytes per word)."""
    n_lo = -(-k * lw // bw)
    lo = [(v, i == n_lo - 1) for i, v in enumerate(_words(rng, n_lo, bw))]
    n_rec = int(rng.choice([0, k, int(rng.integers(0, k + 1))]))
    n_rest = -(-(8 + 5 * n_rec) // bw) - 1
    split = bool(rng.integers(0, 2))  # header + records requests (pnc_ctrl) or one request
    ho = [(n_rec | (k << 32), split or n_rest == 0)]
    ho += [(v, i == n_rest - 1) for i, v in enumerate(_words(rng, n_rest, bw))]
    return lo, ho


def make_plan(rng: np.random.Generator, cap: int, bw: int, k: int | None = None,
              n_groups: int | None = None) -> Plan:
    sbr = bool(rng.integers(0, 2))
    lw = 5 if sbr else 4
    if k is None:
        k = int(rng.choice([int(rng.integers(1, 70)), int(rng.integers(1, 400))]))
    mb = int(rng.integers(1, 5))
    ng_n = n_groups if n_groups is not None else int(rng.integers(1, 5))
    slots = slots_for(cap, k, lw)
    plan = Plan(fits=int(slots > 0), slots=slots)
    units = [unit_words(rng, k, lw, bw) for _ in range(ng_n)]

    def load(u: int) -> None:
        plan.cmds.append(("L", u % 2 if slots == 2 else 0))
        plan.fetch(units[u])

    for ng in range(ng_n):
        for m in range(mb):
            refill = slots == 1 and m == mb - 1 and ng + 1 < ng_n
            early = refill and bool(rng.integers(0, 2))  # LOAD queued ahead of the last PLAY
            if slots and m == 0:
                if ng == 0:
                    load(ng)
                if slots == 2 and ng + 1 < ng_n:
                    load(ng + 1)
            if early:
                load(ng + 1)
            if slots:
                plan.cmds.append(("P", ng % 2 if slots == 2 else 0, int(m == mb - 1)))
            if refill and not early:
                load(ng + 1)
            if not slots:
                plan.fetch(units[ng])
            plan.expect(units[ng])
    return plan


async def reset_inputs(dut) -> None:
    for sig in ("fits_i", "load_i", "load_slot_i", "play_i", "play_slot_i", "play_last_i",
                "clear_i", "in_valid_i", "in_data_i", "in_last_i", "out_ready_i"):
        getattr(dut, sig).value = 0


@cocotb.test()
async def wbuf_load_play_random(dut):
    """Five gap/backpressure phases of random jobs; byte-exact outputs; rates when free."""
    rng = make_rng("tb_pnc_wbuf")
    cap = int(dut.WbufBytes.value)
    bw = len(dut.in_data_i) // 16
    await reset_inputs(dut)
    await setup(dut)
    seen = set()
    for phase in range(5):
        p_idle, p_bp = gap_profile(rng, phase)
        for j in range(8):
            # Make sure every slot mode appears (K picked for it when the capacity allows).
            want = j % 3
            k = None
            if cap:
                need_k = {2: cap // 4 // 5 - 2, 1: cap // 2 // 5 - 2, 0: cap // 2 // 5 + 4}[want]
                k = max(1, need_k - int(rng.integers(0, 4))) if want else need_k
            plan = make_plan(rng, cap, bw, k=k)
            seen.add(plan.slots)
            p_cmd = 0.0 if phase == 0 else float(rng.uniform(0.0, 0.7))
            tag = f"phase {phase} job {j} (slots {plan.slots})"
            cyc = await run_plan(dut, rng, plan, p_idle, p_bp, p_cmd, tag)
            if phase == 0:
                n_play = sum(c[0] == "P" for c in plan.cmds)
                words = max(len(plan.exp[0]), len(plan.exp[1]))
                if plan.slots == 2:
                    # the next n-group is stored while the current one plays: about one word
                    # per cycle per stream of output, plus a few cycles per PLAY
                    assert cyc <= words + 4 * n_play + 16, f"{tag}: {cyc} cycles, {words} words"
                elif plan.slots == 0:
                    assert cyc <= words + 8, f"{tag}: pass-through took {cyc} for {words} words"
            dut._log.info(f"{tag}: {len(plan.cmds)} commands, {len(plan.exp[0])} LO + "
                          f"{len(plan.exp[1])} HO words out, "
                          f"{len(plan.inp[0]) + len(plan.inp[1])} in, {cyc} cycles")
    assert seen == ({0, 1, 2} if cap else {0}), f"slot modes exercised: {seen}"


@cocotb.test()
async def wbuf_clear_mid_load(dut):
    """clear_i in the middle of a LOAD (with a PLAY queued) drops everything; the next job is
    clean."""
    rng = make_rng("tb_pnc_wbuf_clear")
    cap = int(dut.WbufBytes.value)
    bw = len(dut.in_data_i) // 16
    await reset_inputs(dut)
    await setup(dut)
    k = 20
    lo, ho = unit_words(rng, k, 5, bw)
    fits = int(slots_for(cap, k, 5) > 0)
    dut.fits_i.value = fits
    dut.load_i.value, dut.load_slot_i.value = fits, 0
    dut.play_i.value, dut.play_slot_i.value, dut.play_last_i.value = fits, 0, 1
    await tick(dut)
    dut.load_i.value = dut.play_i.value = 0
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
    assert int(dut.idle_o.value) == 1 and int(dut.load_ready_o.value) == 1 \
        and int(dut.play_ready_o.value) == 1
    await tick(dut)
    for j in range(3):
        plan = make_plan(rng, cap, bw)
        await run_plan(dut, rng, plan, 0.3, 0.3, 0.3, f"after clear, job {j}")
