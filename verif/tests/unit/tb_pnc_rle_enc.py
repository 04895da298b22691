"""Unit bench for pnc_rle_enc: one encoder step per vector, run state fed back, vs panacea.rle.

For random next-layer activation blocks (K' up to 700, so long gaps produce fillers; random
padded rows; b in 3..5; r at its limits) the bench collects the LO items and records of the
DUT and compares them with ``pack_lanes`` and ``encode_stream`` of the model. Fillers are eager
in both (architecture.md section 3): a trailing gap yields fillers too, so every record the DUT
emits belongs to the stream.
"""
from __future__ import annotations

import cocotb
import numpy as np
from cocotb.triggers import Timer
from panacea.config import ARCH
from panacea.rle import encode_stream, pack_lanes
from panacea.slicing import r_max, slice_act

from verif.common.seeding import make_rng

LANES = 8
RUN_MAX = (1 << int(ARCH.RUN_BITS)) - 1


def make_block(rng, k: int, b: int, r: int, p_skip: float, n_rows: int) -> np.ndarray:
    """(k, 8) uint8 activations whose HO slice equals r with probability p_skip per vector."""
    y = rng.integers(0, 256, (k, LANES)).astype(np.int64)
    skip = rng.random(k) < p_skip
    xl = y & ((1 << b) - 1)
    y[skip] = (r << b) | xl[skip]
    y[:, n_rows:] = rng.integers(0, 256, (k, LANES - n_rows))  # junk in padded rows
    return y.astype(np.uint8)


@cocotb.test()
async def rle_enc_streams(dut):
    """Random streams incl. long gaps (fillers), trailing gaps, all-skipped and no-skip blocks."""
    rng = make_rng("tb_pnc_rle_enc")
    cases = [(1, 0.0), (1, 1.0), (700, 0.995), (600, 1.0), (300, 0.5), (520, 0.998)]
    cases += [(int(rng.integers(1, 80)), float(rng.choice([0.0, 0.5, 0.9, 1.0])))
              for _ in range(20)]
    for n, (k, p_skip) in enumerate(cases):
        b = int(rng.integers(3, 6))
        L = 8 - b
        r = int(rng.choice([0, r_max(b), int(rng.integers(0, r_max(b) + 1))]))
        n_rows = int(rng.choice([8, int(rng.integers(1, 9))]))
        y = make_block(rng, k, b, r, p_skip, n_rows)
        # Model: padded rows hold r << b; payload = (xh - r) mod 2^L.
        ym = y.copy()
        ym[:, n_rows:] = r << b
        xh, xl = slice_act(ym, b)
        payload = (xh - r) % (1 << L)
        stream = encode_stream(payload, L)
        lo_exp = pack_lanes(xl, b)

        dut.row_valid_i.value = (1 << n_rows) - 1
        dut.lo_bits_i.value = b
        dut.r_i.value = r
        run = 0
        lo_got = bytearray()
        recs: list[bytes] = []
        for kk in range(k):
            dut.y_i.value = int.from_bytes(y[kk].tobytes(), "little")
            dut.run_i.value = run
            await Timer(1, unit="ns")
            lo_got += int(dut.lo_item_o.value).to_bytes(5, "little")[:b]
            if int(dut.rec_valid_o.value):
                recs.append(int(dut.rec_o.value).to_bytes(6, "little")[:1 + L])
            run = int(dut.run_o.value)
        n_rec = len(recs)
        got = n_rec.to_bytes(4, "little") + k.to_bytes(4, "little") + b"".join(recs)
        assert bytes(lo_got) == lo_exp, f"case {n} (k={k} b={b} r={r}): LO plane mismatch"
        assert got == stream, (f"case {n} (k={k} b={b} r={r} rows={n_rows}): stream mismatch, "
                               f"{n_rec} records vs header {stream[:4].hex()}")
        fillers = sum(rc == bytes([RUN_MAX]) + bytes(L) for rc in recs)
        dut._log.info(f"case {n}: k={k} b={b} r={r} rows={n_rows} records={n_rec} "
                      f"({fillers} fillers) ok")
