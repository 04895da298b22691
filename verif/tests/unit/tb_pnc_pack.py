"""Unit bench for pnc_pack: items of 1..8 bytes (varying) packed into strobed words.

Each segment: clear_i with a random start offset, random items with gaps, words drained with
random backpressure, flush_i after the last item. The bench rebuilds memory from the words and
strobes and compares it with offset + concatenated item bytes; strobes must cover exactly the
stream bytes. A no-stall segment of 8-byte items checks one item per cycle.
"""
from __future__ import annotations

import cocotb

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import gap_profile, settle, setup, tick


@cocotb.test()
async def pack_segments(dut):
    rng = make_rng("tb_pnc_pack")
    wb = len(dut.word_data_o) // 8
    for sig in (dut.item_valid_i, dut.word_ready_i, dut.clear_i, dut.flush_i, dut.item_data_i,
                dut.start_offset_i):
        sig.value = 0
    dut.item_bytes_i.value = 1
    await setup(dut)
    for n in range(20):
        nostall = n < 2
        p_idle, p_bp = gap_profile(rng, 0 if nostall else int(rng.integers(1, 5)))
        off = 0 if n == 0 else int(rng.integers(0, 8))
        n_items = 80 if nostall else int(rng.integers(0, 40))
        sizes = [8 if n == 0 else (5 if nostall else int(rng.integers(1, 9)))
                 for _ in range(n_items)]
        items = [rng.integers(0, 256, s, dtype="u1").tobytes() for s in sizes]
        dut.clear_i.value = 1
        dut.start_offset_i.value = off
        await tick(dut)
        dut.clear_i.value = 0
        mem = bytearray((off + sum(sizes) + 2 * wb) // wb * wb + wb)
        strb_mem = bytearray(len(mem))
        n_words = 0
        ii = 0
        pending = False
        flushed = False
        flush_at = None
        cycles = 0
        extra = 0
        total = off + sum(sizes)
        exp_words = -(-total // wb) if sum(sizes) else 0
        while True:
            if not pending and ii < n_items and rng.random() >= p_idle:
                pending = True
                dut.item_data_i.value = int.from_bytes(items[ii] + bytes(8 - sizes[ii]), "little")
                dut.item_bytes_i.value = sizes[ii]
            dut.item_valid_i.value = int(pending)
            do_flush = ii == n_items and not pending and not flushed
            dut.flush_i.value = int(do_flush)
            ready = int(rng.random() >= p_bp or n_words >= exp_words)
            dut.word_ready_i.value = ready
            await settle()
            ifire = pending and int(dut.item_ready_o.value)
            if do_flush:
                assert not int(dut.item_ready_o.value), "item_ready_o high during flush_i"
            if ready and int(dut.word_valid_o.value):
                d = int(dut.word_data_o.value).to_bytes(wb, "little")
                s = int(dut.word_strb_o.value)
                for b in range(wb):
                    if s >> b & 1:
                        mem[n_words * wb + b] = d[b]
                        strb_mem[n_words * wb + b] = 1
                n_words += 1
            await tick(dut)
            cycles += 1
            if ifire:
                pending = False
                ii += 1
            if do_flush:
                flushed = True
                flush_at = cycles
            if flushed and n_words >= exp_words:
                extra += 1  # a few more cycles with ready high catch surplus words
                if extra > 4:
                    break
            assert cycles < 40 * (n_items + 10), "segment stalled"
        dut.item_valid_i.value = 0
        dut.word_ready_i.value = 0
        exp = bytes(off) + b"".join(items)
        assert bytes(mem[:total]) == exp, f"segment {n}: data mismatch"
        assert list(strb_mem[:total]) == [0] * off + [1] * sum(sizes), f"segment {n}: strobes"
        assert not any(strb_mem[total:]), f"segment {n}: strobes beyond the stream"
        assert n_words == exp_words, f"segment {n}: {n_words} words, expected {exp_words}"
        if nostall:
            dut._log.info(f"no-stall {sizes[0]}-byte items: {n_items} items, flush after "
                          f"{flush_at} cycles")
            assert flush_at <= n_items + 2, f"{n_items} items took {flush_at} cycles"
