"""Unit bench for pnc_unpack: byte streams of item_bytes 1..8 split back into items.

Each stream is cleared with clear_i, fed as little-endian words with random gaps, and read as
items with random backpressure; one no-stall stream per size checks one item per cycle.
"""
from __future__ import annotations

import cocotb

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import GapSource, backpressure, gap_profile, settle, setup, tick


@cocotb.test()
async def unpack_streams(dut):
    rng = make_rng("tb_pnc_unpack")
    wb = len(dut.word_data_i) // 8
    for sig in (dut.word_valid_i, dut.item_ready_i, dut.clear_i, dut.word_data_i,
                dut.word_last_i):
        sig.value = 0
    dut.item_bytes_i.value = 8
    await setup(dut)
    for n in range(24):
        ib = 1 + n % 8
        p_idle, p_bp = gap_profile(rng, 0 if n < 8 else int(rng.integers(1, 5)))
        n_items = int(rng.integers(1, 60)) if n >= 8 else 64
        data = rng.integers(0, 256, n_items * ib + int(rng.integers(0, wb)), dtype="u1").tobytes()
        data += bytes(-len(data) % wb)
        words = [int.from_bytes(data[i:i + wb], "little") for i in range(0, len(data), wb)]
        # Clear between streams (also drops the previous stream's tail bytes).
        dut.clear_i.value = 1
        dut.item_bytes_i.value = ib
        await tick(dut)
        dut.clear_i.value = 0
        got: list[int] = []
        src = GapSource(rng, dut.word_valid_i, dut.word_data_i, dut.word_ready_o, words, p_idle)
        cycles = 0
        first = None
        while len(got) < n_items:
            src.drive()
            ready = backpressure(rng, dut.item_ready_i, p_bp)
            await settle()
            src.taken()
            if ready and int(dut.item_valid_o.value):
                got.append(int(dut.item_data_o.value))
                first = cycles if first is None else first
            await tick(dut)
            cycles += 1
            src.advance()
            assert cycles < 20 * (n_items + 10), "stream stalled"
        dut.word_valid_i.value = 0
        dut.item_ready_i.value = 0
        exp = [int.from_bytes(data[i * ib:(i + 1) * ib], "little") for i in range(n_items)]
        assert got == exp, f"stream {n} (item_bytes {ib}): item mismatch"
        if n < 8:  # no gaps: one item per cycle after the first
            span = cycles - first
            assert span <= n_items + 1, f"item_bytes {ib}: {n_items} items took {span} cycles"
            dut._log.info(f"item_bytes {ib}: {n_items} items in {span} cycles")
