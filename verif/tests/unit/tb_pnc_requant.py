"""Unit bench for pnc_requant: bias saturation and requantization vs panacea.requant.

Combinational DUT: each await drives eight lanes and reads them back. Edge values (int32 limits,
mult 1 and 2^31-1, shift 1 and 62, zo 0 and 255) are mixed into random stimulus.
"""
from __future__ import annotations

import cocotb
import numpy as np
from cocotb.triggers import Timer
from panacea.requant import add_bias_sat, requantize

from verif.common.seeding import make_rng

LANES = 8
I32_EDGES = np.array([-2**31, -2**31 + 1, -1, 0, 1, 2**31 - 2, 2**31 - 1], np.int64)


def pack(vals, width: int) -> int:
    out = 0
    for i, v in enumerate(vals):
        out |= (int(v) & ((1 << width) - 1)) << (i * width)
    return out


def unpack(word: int, width: int, signed: bool) -> np.ndarray:
    vals = [(word >> (i * width)) & ((1 << width) - 1) for i in range(LANES)]
    if signed:
        vals = [v - (1 << width) if v >> (width - 1) else v for v in vals]
    return np.array(vals, np.int64)


def rand_i32(rng, n: int) -> np.ndarray:
    kind = rng.integers(0, 3)
    if kind == 0:
        return rng.integers(-2**31, 2**31, n, dtype=np.int64)
    if kind == 1:
        return rng.integers(-2**16, 2**16, n, dtype=np.int64)
    return rng.choice(I32_EDGES, n)


@cocotb.test()
async def requant_random(dut):
    """Random and edge lanes: s_o and q_o bit-exact against the model."""
    rng = make_rng("tb_pnc_requant")
    n_vec = 1500
    bad = 0
    for t in range(n_vec):
        acc = rand_i32(rng, LANES)
        bias = rand_i32(rng, LANES)
        bias_en = int(rng.integers(0, 2))
        mult = int(rng.choice([1, 2**31 - 1, int(rng.integers(1, 2**31)),
                               int(rng.integers(2**30, 2**31))]))
        shift = int(rng.choice([1, 62, int(rng.integers(1, 63)), int(rng.integers(25, 40))]))
        zo = int(rng.choice([0, 255, int(rng.integers(0, 256))]))
        dut.acc_i.value = pack(acc, 32)
        dut.bias_i.value = pack(bias, 32)
        dut.bias_en_i.value = bias_en
        dut.mult_i.value = mult
        dut.shift_i.value = shift
        dut.zo_i.value = zo
        await Timer(1, unit="ns")
        s_exp = add_bias_sat(acc[None, :], bias.astype(np.int32))[0] if bias_en else acc
        q_exp = requantize(np.asarray(s_exp, np.int64), mult, shift, zo).astype(np.int64)
        s_got = unpack(int(dut.s_o.value), 32, True)
        q_got = unpack(int(dut.q_o.value), 8, False)
        if not (np.array_equal(s_got, s_exp) and np.array_equal(q_got, q_exp)):
            bad += 1
            if bad <= 5:
                dut._log.error(f"vec {t}: acc={acc.tolist()} bias={bias.tolist()} en={bias_en} "
                               f"mult={mult} shift={shift} zo={zo}: s {s_got.tolist()} vs "
                               f"{np.asarray(s_exp).tolist()}, q {q_got.tolist()} vs "
                               f"{q_exp.tolist()}")
    assert bad == 0, f"{bad} of {n_vec} vectors mismatched"
