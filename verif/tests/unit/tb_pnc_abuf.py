"""Unit bench for pnc_abuf: LOAD/PLAY command sequences as pnc_req_seq issues them for the m-tile
loop nest (``for m-tile: for ng: for mb in m-tile``), byte-exact, with random input gaps, output
backpressure and command gaps; and the pass-through of a job without the buffer (mt = 0).

Each job draws K, b, row_q, MB, the n-groups and mt; the unit strides are the worst-case units
of docs/architecture.md section 3 (LO ``align_B(K*b)`` + the row vector, HO
``align_B(8 + K*(9-b))``), and mt is cut to what fits the bank (the descriptor's BAD_BLOCK rule),
so some jobs hold every m-block in one m-tile and others walk several. Commands follow the
controller: one per tile group, LOAD in the m-tile's first n-group, PLAY in the others,
``first`` on the m-tile's first m-block. The input side supplies each m-block's words once per
LOAD (LO: the row vector and the plane as two requests, each ending with rd_last; HO: header,
then records, as the controller requests them); without the buffer it supplies every group's
words. Each output stream must equal the concatenation of the groups' units (data and last
flags), so a word taken twice, dropped, or played from the wrong unit shows up as a mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass

import cocotb
import numpy as np

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile, setup
from verif.tests.unit._twostream import StreamPlan, run_plan
from verif.tests.unit.tb_pnc_wbuf import _words


@dataclass
class Plan(StreamPlan):
    """One job: buffer settings and the commands (load, first), inputs and expected outputs."""

    en: int = 0
    lo_words: int = 0
    ho_stride: int = 0
    rec: int = 0
    tiles: int = 0

    def configure(self, dut) -> None:
        dut.en_i.value = self.en
        dut.lo_words_i.value = self.lo_words
        dut.ho_stride_i.value = self.ho_stride
        dut.ho_rec_bytes_i.value = self.rec

    def drive_cmd(self, dut, cmd) -> None:
        dut.cmd_valid_i.value = int(cmd is not None)
        if cmd is not None:
            dut.cmd_load_i.value, dut.cmd_first_i.value = cmd

    def cmd_ready(self, dut, cmd) -> int:
        return int(dut.cmd_ready_o.value)


def unit(rng: np.random.Generator, k: int, b: int, row_q: bool, bw: int) -> tuple[list, list]:
    """One m-block's activation LO stream (row vector, plane) and HO stream as [(data, last)]."""
    lo = []
    if row_q:
        n_row = -(-16 // bw)
        lo += [(v, i == n_row - 1) for i, v in enumerate(_words(rng, n_row, bw))]
    n_lo = -(-k * b // bw)
    lo += [(v, i == n_lo - 1) for i, v in enumerate(_words(rng, n_lo, bw))]
    rec = 9 - b
    n_rec = int(rng.choice([0, k, int(rng.integers(0, k + 1))]))
    n_rest = -(-(8 + rec * n_rec) // bw) - 1
    hdr = n_rec | (k << 32) | (int(_words(rng, 1, bw)[0]) >> 64 << 64)
    ho = [(hdr, True)]  # the header request is one beat
    ho += [(v, i == n_rest - 1) for i, v in enumerate(_words(rng, n_rest, bw))]
    return lo, ho


def make_plan(rng: np.random.Generator, cap: int, bw: int, want_tiles: int) -> Plan:
    k = int(rng.choice([int(rng.integers(1, 40)), int(rng.integers(1, 300))]))
    b = int(rng.integers(3, 6))
    row_q = bool(rng.integers(0, 2))
    mb_n = int(rng.integers(1, 7))
    ng_n = int(rng.integers(1, 4))
    lo_words = -(-k * b // bw) + (-(-16 // bw) if row_q else 0)
    ho_stride = -(-(8 + k * (9 - b)) // bw)
    bank = cap // 2 // bw
    fit = min(mb_n, bank // lo_words, bank // ho_stride)
    if want_tiles == 0 or fit == 0:
        mt = 0
    elif want_tiles == 1:
        mt = fit if fit == mb_n else 0
    else:
        mt = int(rng.integers(1, fit + 1)) if fit < mb_n or fit > 1 else fit
    plan = Plan(en=int(mt > 0), lo_words=lo_words, ho_stride=ho_stride, rec=9 - b)
    units = [unit(rng, k, b, row_q, bw) for _ in range(mb_n)]
    tile = mt if mt else mb_n
    for t0 in range(0, mb_n, tile):
        plan.tiles += 1
        for ng in range(ng_n):
            for m in range(t0, min(mb_n, t0 + tile)):
                if mt:
                    plan.cmds.append((int(ng == 0), int(m == t0)))
                if not mt or ng == 0:
                    plan.fetch(units[m])
                plan.expect(units[m])
    return plan


@cocotb.test()
async def abuf_load_play_random(dut):
    """Five gap/backpressure phases of random jobs: no buffer, one m-tile, several m-tiles;
    byte-exact outputs; one word per cycle per stream when nothing stalls."""
    rng = make_rng("tb_pnc_abuf")
    cap = int(dut.AbufBytes.value)
    bw = len(dut.in_data_i) // 16
    for sig in (
        "en_i",
        "lo_words_i",
        "ho_stride_i",
        "ho_rec_bytes_i",
        "cmd_valid_i",
        "cmd_load_i",
        "cmd_first_i",
        "in_valid_i",
        "in_data_i",
        "in_last_i",
        "out_ready_i",
    ):
        getattr(dut, sig).value = 0
    await setup(dut)
    seen = set()
    for phase in range(5):
        p_idle, p_bp = gap_profile(rng, phase)
        for j in range(9):
            plan = make_plan(rng, cap, bw, want_tiles=j % 3 if cap else 0)
            kind = 0 if not plan.en else 1 if plan.tiles == 1 else 2
            seen.add(kind)
            p_cmd = 0.0 if phase == 0 else float(rng.uniform(0.0, 0.7))
            tag = f"phase {phase} job {j} (en {plan.en}, {plan.tiles} m-tiles)"
            cyc = await run_plan(dut, rng, plan, p_idle, p_bp, p_cmd, tag)
            if phase == 0:
                words = max(len(plan.exp[0]), len(plan.exp[1]))
                # one word per cycle per stream, plus a few cycles per command
                assert cyc <= words + 4 * len(plan.cmds) + 8, f"{tag}: {cyc} cycles, {words} words"
            dut._log.info(
                f"{tag}: {len(plan.cmds)} commands, {len(plan.exp[0])} LO + "
                f"{len(plan.exp[1])} HO words out, "
                f"{len(plan.inp[0]) + len(plan.inp[1])} in, {cyc} cycles"
            )
    assert seen == ({0, 1, 2} if cap else {0}), f"job kinds exercised: {seen}"
