"""Unit bench for pnc_fifo: order, count_o, full/empty behaviour under gaps and backpressure."""
from __future__ import annotations

import cocotb
import numpy as np

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import GapSource, backpressure, gap_profile, settle, setup, tick


async def start(dut):
    """Inputs idle, reset done: (data width, Depth)."""
    dut.clr_i.value = 0
    dut.in_valid_i.value = 0
    dut.out_ready_i.value = 0
    dut.in_data_i.value = 0
    await setup(dut)
    return len(dut.in_data_i), int(dut.Depth.value)


@cocotb.test()
async def fifo_random(dut):
    """Random traffic in five gap/backpressure phases; items come out in order, count exact."""
    rng = make_rng("tb_pnc_fifo")
    width, depth = await start(dut)
    n_items = 300
    for phase in range(5):
        p_idle, p_bp = gap_profile(rng, phase)
        items = [int(v) for v in rng.integers(0, 1 << width, n_items, dtype=np.uint64)]
        src = GapSource(rng, dut.in_valid_i, dut.in_data_i, dut.in_ready_o, items, p_idle)
        got: list[int] = []
        level = 0
        full_seen = False
        cycles = 0
        while len(got) < n_items:
            src.drive()
            ready = backpressure(rng, dut.out_ready_i, p_bp)
            await settle()
            assert int(dut.count_o.value) == level, f"count_o {int(dut.count_o.value)} != {level}"
            assert int(dut.in_ready_o.value) == int(level < depth)
            assert int(dut.out_valid_o.value) == int(level > 0)
            full_seen |= level == depth
            push = src.taken()
            pop = ready and int(dut.out_valid_o.value)
            if pop:
                got.append(int(dut.out_data_o.value))
            await tick(dut)
            cycles += 1
            src.advance()
            level += int(bool(push)) - int(bool(pop))
        assert got == items, f"phase {phase}: order/data mismatch"
        if phase == 0 and depth >= 2:
            assert cycles <= n_items + 3, f"no-stall phase took {cycles} cycles for {n_items}"
        dut._log.info(f"phase {phase}: {n_items} items in {cycles} cycles, full seen {full_seen}")
    dut.in_valid_i.value = 0


@cocotb.test()
async def fifo_clear(dut):
    """clr_i empties the FIFO (an item pushed in the clear cycle is dropped); it then fills and
    drains in order again."""
    rng = make_rng("tb_pnc_fifo_clear")
    width, depth = await start(dut)
    for trial in range(4):
        n_fill = max(1, depth - 1)  # room left for a push in the clear cycle
        fill = [int(v) for v in rng.integers(0, 1 << width, n_fill, dtype=np.uint64)]
        for v in fill:
            dut.in_valid_i.value = 1
            dut.in_data_i.value = v
            await tick(dut)
        dut.in_valid_i.value = int(trial % 2)  # a push in the clear cycle is dropped too
        dut.clr_i.value = 1
        await tick(dut)
        dut.clr_i.value = 0
        dut.in_valid_i.value = 0
        await settle()
        assert int(dut.count_o.value) == 0, f"count_o {int(dut.count_o.value)} after clear"
        assert int(dut.out_valid_o.value) == 0 and int(dut.in_ready_o.value) == 1
        await tick(dut)
        items = [int(v) for v in rng.integers(0, 1 << width, depth, dtype=np.uint64)]
        for v in items:
            dut.in_valid_i.value = 1
            dut.in_data_i.value = v
            await tick(dut)
        dut.in_valid_i.value = 0
        dut.out_ready_i.value = 1
        got = []
        while len(got) < depth:
            await settle()
            assert int(dut.out_valid_o.value) == 1, "FIFO empty before all items came out"
            got.append(int(dut.out_data_o.value))
            await tick(dut)
        dut.out_ready_i.value = 0
        assert got == items, f"trial {trial}: order/data after clear"
