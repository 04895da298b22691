"""Unit bench for pnc_desc_check: the RTL descriptor check against the model's
``panacea.memimage.descriptor_error``, code for code.

Combinational DUT: each await drives one descriptor (the packed desc_t, fields in the order of
arch.toml [descriptor], the first most significant) and reads err_o back. Descriptors start from
a random legal one (m-tile mt 0 or fitting the activation buffer) and break a random subset of
the seven checks (BAD_DIM, BAD_MODE, BAD_LO_BITS, BAD_R, MISALIGNED, BAD_RQ, BAD_BLOCK) at
once, with and without row_q, so every code is raised alone and together with every higher
one: the lowest code must win, as in the model. Fully random descriptors follow.
"""

from __future__ import annotations

import itertools

import cocotb
import numpy as np
from cocotb.triggers import Timer
from panacea.config import ARCH, CONSTS, ERRORS
from panacea.memimage import (
    BUS_BYTES,
    DESCRIPTOR_FIELDS,
    FMT_CODES,
    abuf_mt_max,
    descriptor_error,
    encode_descriptor,
)
from panacea.slicing import r_max

from verif.common.seeding import make_rng

CHECKS = ("BAD_DIM", "BAD_MODE", "BAD_LO_BITS", "BAD_R", "MISALIGNED", "BAD_RQ", "BAD_BLOCK")
CODES = {name: int(getattr(ERRORS, name)) for name in CHECKS}
RLE = FMT_CODES["uint8_rle"]
AQS = int(CONSTS.SKIP_AQS)
ADDRS = [n for n in DESCRIPTOR_FIELDS if n.endswith("_addr")]


def pack_desc(fields: dict[str, int]) -> int:
    """The desc_t bit vector of ``fields`` (each masked to its width)."""
    word = 0
    for name, (_, _, width) in DESCRIPTOR_FIELDS.items():
        word = (word << width) | (int(fields[name]) & ((1 << width) - 1))
    return word


def legal(rng: np.random.Generator) -> dict[str, int]:
    """A random legal descriptor (row_q drawn too)."""
    max_dim = int(ARCH.MAX_DIM)
    f = {n: 0 for n in DESCRIPTOR_FIELDS}
    for d in ("M", "N", "K"):
        f[d] = int(rng.choice([1, max_dim, int(rng.integers(1, max_dim + 1))]))
    f["skip"], f["fmt"] = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    f["sbr"], f["bias_en"], f["row_q"] = (int(rng.integers(0, 2)) for _ in range(3))
    f["b"], f["out_b"] = int(rng.integers(3, 6)), int(rng.integers(3, 6))
    f["z"], f["zo"] = int(rng.integers(0, 256)), int(rng.integers(0, 256))
    # with row_q ACT_Q.r is unused: any value is legal
    f["r"] = int(rng.integers(0, 256 if f["row_q"] else r_max(f["b"]) + 1))
    f["out_r"] = int(rng.integers(0, r_max(f["out_b"]) + 1))
    f["mult"] = int(rng.choice([1, (1 << 31) - 1, int(rng.integers(1, 1 << 31))]))
    f["shift"] = int(rng.choice([1, 62, int(rng.integers(1, 63))]))
    for a in ADDRS:
        f[a] = BUS_BYTES * int(rng.integers(0, (1 << 32) // BUS_BYTES))
    hi = abuf_mt_max(f["M"], f["K"], f["b"], bool(f["row_q"]))
    # 0, a fitting m-tile, or (when all m-blocks fit) any mt >= MB: one m-tile
    f["mt"] = int(rng.choice([0, int(rng.integers(1, hi + 1)) if hi else 0,
                              hi if hi < -(-f["M"] // 8) else int(rng.integers(hi, 1 << 16))]))
    return f


def break_check(rng: np.random.Generator, f: dict[str, int], check: str) -> None:
    """Make ``f`` fail ``check`` (other checks may then fail too; the model decides)."""
    if check == "BAD_DIM":
        f[str(rng.choice(["M", "N", "K"]))] = int(
            rng.choice([0, int(ARCH.MAX_DIM) + 1, (1 << 16) - 1])
        )
    elif check == "BAD_MODE":
        f[str(rng.choice(["skip", "fmt"]))] = 3
    elif check == "BAD_LO_BITS":
        bad = int(rng.choice([0, 1, 2, 6, 7, 15]))
        if rng.random() < 0.5:
            f["b"] = bad
        else:
            f["fmt"], f["out_b"] = RLE, bad
    elif check == "BAD_R":
        if rng.random() < 0.5:
            f["skip"], f["row_q"] = AQS, 0
            f["r"] = int(rng.integers(r_max(f["b"]) + 1, 256)) if f["b"] in (3, 4, 5) else 255
        else:
            f["fmt"] = RLE
            hi = r_max(f["out_b"]) + 1 if f["out_b"] in (3, 4, 5) else 255
            f["out_r"] = int(rng.integers(hi, 256))
    elif check == "MISALIGNED":
        name = str(rng.choice(ADDRS))
        if name == "bias_addr":
            f["bias_en"] = 1
        elif name == "out_ho_addr":
            f["fmt"] = RLE
        elif name == "rowq_addr":
            f["row_q"] = 1
        f[name] |= int(rng.integers(1, BUS_BYTES))
    elif check == "BAD_BLOCK":
        f["mt"] = int(rng.integers(1, 1 << 16))
        ok = f["b"] in (3, 4, 5) and 1 <= f["K"] <= int(ARCH.MAX_DIM)
        mb = -(-f["M"] // 8)
        if ok and abuf_mt_max(f["M"], f["K"], f["b"], bool(f["row_q"])) >= min(f["mt"], mb):
            # the largest operand: no activation buffer below 12 MiB holds 512 m-blocks of it
            f["M"], f["K"], f["mt"] = int(ARCH.MAX_DIM), int(ARCH.MAX_DIM), (1 << 16) - 1
    elif check == "BAD_RQ":
        if f["fmt"] == FMT_CODES["int32"]:
            f["fmt"] = int(rng.choice([FMT_CODES["uint8"], RLE]))
        if rng.random() < 0.5:
            f["mult"] = 0
        else:
            f["shift"] = int(rng.choice([0, 63]))


async def check(dut, f: dict[str, int]) -> int:
    want = descriptor_error(encode_descriptor(f))
    dut.desc_i.value = pack_desc(f)
    await Timer(1, unit="ns")
    got = int(dut.err_o.value)
    assert got == want, f"err_o {got}, the model says {want}: {f}"
    return want


@cocotb.test()
async def desc_check_matches_the_model(dut):
    rng = make_rng("tb_pnc_desc_check")
    seen: dict[int, int] = {}
    lowest: dict[str, int] = {}  # check -> descriptors where it was the lowest of several broken
    subsets = [s for n in range(len(CHECKS) + 1) for s in itertools.combinations(CHECKS, n)]
    for subset in subsets:
        for _ in range(12):
            f = legal(rng)
            for c in subset:
                break_check(rng, f, c)
            code = await check(dut, f)
            seen[code] = seen.get(code, 0) + 1
            if len(subset) > 1 and code == CODES[subset[0]]:
                lowest[subset[0]] = lowest.get(subset[0], 0) + 1
    for _ in range(2000):
        f = {n: int(rng.integers(0, 1 << w)) for n, (_, _, w) in DESCRIPTOR_FIELDS.items()}
        code = await check(dut, f)
        seen[code] = seen.get(code, 0) + 1
    missing = [c for c in CHECKS if CODES[c] not in seen] + ([] if 0 in seen else ["OK"])
    assert not missing, f"stimulus never raised {missing}"
    # every check but the last won over higher ones broken with it
    assert set(lowest) == set(CHECKS[:-1]), f"lowest-code wins seen only for {sorted(lowest)}"
    dut._log.info(
        "%d descriptors, err_o = descriptor_error on each; codes %s; lowest of several: %s",
        sum(seen.values()),
        dict(sorted(seen.items())),
        lowest,
    )
