"""Unit bench for pnc_rle_dec against panacea.rle (encode_stream / decode_stream / pack_lanes).

Streams are encoded by the model (random skip patterns incl. gaps longer than RUN_MAX, so
fillers appear; all-skipped and no-skip streams; K = 1 .. 600; L = 3, 4, 5) and presented back
to back on one word channel with random gaps, exactly ceil(n_bytes / (DW/8)) words each, so a
decoder that takes one word too many corrupts the next stream. Vectors are drained with random
backpressure and compared with decode_stream; skipped_o and the words taken are counted.
Corrupt streams (n_vectors != K, n_records > K, a record at or beyond K) must raise err_o, still
deliver K vectors, and the next stream must decode normally.
"""
from __future__ import annotations

import cocotb
import numpy as np
from panacea.config import ARCH
from panacea.rle import decode_stream, encode_stream, pack_lanes

from verif.common.seeding import make_rng
from verif.tests.unit._cycle import GapSource, backpressure, gap_profile, settle, setup, tick

LANES = 8
RUN_MAX = (1 << int(ARCH.RUN_BITS)) - 1


def rand_payload(rng, k: int, L: int, p_skip: float) -> np.ndarray:
    p = rng.integers(0, 1 << L, (k, LANES))
    p[rng.random(k) < p_skip] = 0
    return p


def corrupt(rng, buf: bytes, k: int, L: int) -> bytes:
    """Break a stream so the decoder must report STREAM_CORRUPT."""
    b = bytearray(buf)
    n_rec = int.from_bytes(b[:4], "little")
    kind = int(rng.integers(0, 3)) if n_rec else int(rng.integers(0, 2))
    if kind == 0:      # n_vectors != K
        b[4:8] = (k + 1).to_bytes(4, "little")
    elif kind == 1:    # more records than vectors
        b[0:4] = (k + 1).to_bytes(4, "little")
    else:              # last record pushed to or beyond K
        last = 8 + (n_rec - 1) * (1 + L)
        b[last] = RUN_MAX
        # make sure the position lands at or beyond K
        if k - 1 - (n_rec - 1) > RUN_MAX:  # pragma: no cover - runs stay within RUN_MAX
            b[4:8] = (k + 1).to_bytes(4, "little")
    return bytes(b)


@cocotb.test()
async def rle_dec_streams(dut):
    rng = make_rng("tb_pnc_rle_dec")
    wb = len(dut.word_data_i) // 8
    for sig in (dut.start_i, dut.word_valid_i, dut.word_data_i, dut.vec_ready_i):
        sig.value = 0
    dut.k_i.value = 1
    dut.lanes_bits_i.value = 4
    await setup(dut)

    specs = [(1, 4, 0.0, False), (1, 4, 1.0, False), (600, 3, 0.997, False),
             (520, 5, 1.0, False), (40, 4, 0.0, False), (300, 4, 0.6, False)]
    for _ in range(24):
        specs.append((int(rng.integers(1, 90)), int(rng.integers(3, 6)),
                      float(rng.choice([0.0, 0.3, 0.8, 1.0])), bool(rng.random() < 0.25)))
    streams = []
    for k, L, p_skip, bad in specs:
        buf = encode_stream(rand_payload(rng, k, L, p_skip), L)
        if bad:
            buf = corrupt(rng, buf, k, L)
        streams.append((k, L, bad, buf))

    total_cycles = 0
    for n, (k, L, bad, buf) in enumerate(streams):
        p_idle, p_bp = gap_profile(rng, n)
        if bad:
            ref = None
        else:
            ref = decode_stream(buf, k, L)
        n_bytes = ref.n_bytes if ref else len(buf)
        n_words = -(-n_bytes // wb)
        padded = buf + bytes(n_words * wb - len(buf))
        words = [int.from_bytes(padded[i * wb:(i + 1) * wb], "little") for i in range(n_words)]
        # Words of the next stream follow without a gap on the same channel: a decoder taking
        # too many words would swallow them.
        dut.k_i.value = k
        dut.lanes_bits_i.value = L
        dut.start_i.value = 1
        await tick(dut)
        dut.start_i.value = 0
        got_p, got_live, got_last = [], [], []
        src = GapSource(rng, dut.word_valid_i, dut.word_data_i, dut.word_ready_o, words, p_idle)
        skipped = 0
        cycles = 0
        while len(got_p) < k:
            src.drive()
            ready = backpressure(rng, dut.vec_ready_i, p_bp)
            await settle()
            src.taken()
            if int(dut.skipped_o.value):
                skipped += 1
            if ready and int(dut.vec_valid_o.value):
                got_p.append(int(dut.vec_payload_o.value))
                got_live.append(int(dut.vec_live_o.value))
                got_last.append(int(dut.vec_last_o.value))
            await tick(dut)
            cycles += 1
            src.advance()
            assert cycles < 30 * (k + n_words + 10), f"stream {n}: decoder stalled"
        dut.word_valid_i.value = 0
        dut.vec_ready_i.value = 0
        # No further vector and no further word after the K-th vector.
        for _ in range(3):
            dut.word_valid_i.value = int(src.sent < len(words))
            await settle()
            assert not int(dut.vec_valid_o.value), f"stream {n}: vector beyond K"
            taken_extra = int(dut.word_valid_i.value) and int(dut.word_ready_o.value)
            assert not (taken_extra and not bad), f"stream {n}: word taken after the last vector"
            await tick(dut)
        dut.word_valid_i.value = 0
        total_cycles += cycles
        assert got_last == [0] * (k - 1) + [1], f"stream {n}: vec_last_o wrong"
        if bad:
            assert int(dut.err_o.value) == 1, f"stream {n}: corrupt stream not flagged"
            dut._log.info(f"stream {n}: corrupt k={k} L={L} flagged, {k} vectors delivered")
            continue
        assert int(dut.err_o.value) == 0, f"stream {n}: err_o on a good stream"
        assert src.sent == n_words, f"stream {n}: took {src.sent} words, stream has {n_words}"
        exp_p = [int.from_bytes(pack_lanes(ref.payload[i:i + 1], L), "little") for i in range(k)]
        assert got_live == [int(v) for v in ref.live], f"stream {n}: live flags differ"
        assert got_p == exp_p, f"stream {n}: payload differs"
        assert skipped == k - int(ref.live.sum()), f"stream {n}: skipped_o count {skipped}"
        dut._log.info(f"stream {n}: k={k} L={L} records={ref.n_records} words={n_words} "
                      f"cycles={cycles} ok")
