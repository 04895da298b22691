"""Memory image, expected output, counters (against a loop-based recount) and descriptor errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.config import ARCH, ERRORS
from panacea.memimage import (
    BUS_BYTES,
    Job,
    abuf_fits,
    abuf_mt_max,
    decode_act_image,
    decode_output,
    decode_wt_image,
    descriptor_error,
    encode_descriptor,
    expected_counters,
    expected_output,
    job_stats,
    pack_job,
    validate_job,
    wbuf_fits,
    wbuf_need_bytes,
    wbuf_slots,
)
from panacea.requant import add_bias_sat, requantize
from panacea.rle import decode_stream

FMTS = ("int32", "uint8", "uint8_rle")


def align8(n: int) -> int:
    return (n + 7) // 8 * 8


@st.composite
def jobs(draw: st.DrawFn, per_row_ok: bool = False) -> Job:
    """A legal job; with ``per_row_ok`` also per-row z and r (centred rows, r from each
    row's centre so the HO slices stay skippable)."""
    m, n, k = draw(st.integers(1, 19)), draw(st.integers(1, 37)), draw(st.integers(1, 30))
    b = draw(st.sampled_from((3, 4, 5)))
    out_b = draw(st.sampled_from((3, 4, 5)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    spread = draw(st.sampled_from((0, 3, 40, 200)))
    centre = int(rng.integers(0, 256))
    x = np.clip(rng.normal(centre, spread + 1e-9, (m, k)), 0, 255).astype(np.uint8)
    w_sd = draw(st.sampled_from((2, 12, 80)))
    w = np.clip(rng.normal(0, w_sd, (n, k)), -128, 127).astype(np.int8)
    bias = rng.integers(-(2**31), 2**31, n).astype(np.int32) if draw(st.booleans()) else None
    if bias is not None and draw(st.booleans()):
        bias = rng.integers(-5000, 5000, n).astype(np.int32)
    z: int | np.ndarray = int(rng.integers(0, 256))
    r: int | np.ndarray = int(centre) >> b
    if per_row_ok and draw(st.booleans()):
        shift = rng.integers(-60, 61, m)
        x = np.clip(x.astype(np.int64) + shift[:, None], 0, 255).astype(np.uint8)
        z = rng.integers(0, 256, m)
        r = np.clip(centre + shift, 0, 255) >> b
    return Job(
        x=x,
        w=w,
        z=z,
        r=r,
        b=b,
        sbr=draw(st.booleans()),
        mode=draw(st.sampled_from(("dense", "zero", "aqs"))),
        bias=bias,
        out_fmt=draw(st.sampled_from(FMTS)),
        mult=int(rng.integers(1, 2**31)),
        shift=draw(st.integers(20, 40)),
        zo=int(rng.integers(0, 256)),
        out_r=int(rng.integers(0, 1 << (8 - out_b))),
        out_b=out_b,
    )


def recount(job: Job, wbuf_bytes: int = 0) -> dict[str, int]:
    """Counters recomputed with plain loops over the loop nest from the packed image; a PEA's
    weight streams are fetched once per n-group of each m-tile (its first m-block) and played
    from its buffer in every m-block when their larger worst case fits a bank of half the
    capacity; with ``job.mt`` the activation streams are fetched in the first n-group of their
    m-tile only and played from the activation buffer in every group."""
    img = pack_job(job)
    regs = img.regs
    mem = {name: (a, data) for name, (a, data) in img.regions.items()}
    bus = int(ARCH.AXI_DATA_W) // 8
    npea = int(ARCH.NUM_PEA)
    m, n, k, b = job.M, job.N, job.K, job.b
    lw = 5 if job.sbr else 4
    mb_n, nb_n = -(-m // 8), -(-n // 8)

    def beats(addr: int, length: int) -> int:
        return len(range(addr // bus, (addr + length - 1) // bus + 1)) if length else 0

    def stream(region: str, j: int, stride: int, lbits: int) -> tuple[int, np.ndarray]:
        base, data = mem[region]
        d = decode_stream(data[j * stride : (j + 1) * stride], k, lbits)
        return base + j * stride, d

    fits = 2 * max(align8(k * lw), align8(8 + k * 5)) <= wbuf_bytes
    c = dict.fromkeys(
        (
            "TILES",
            "SWO_BUSY",
            "DWO_BUSY",
            "ACT_SKIP",
            "WT_SKIP",
            "RD_BYTES",
            "WBUF_RD_BYTES",
            "ABUF_RD_BYTES",
            "ABUF_WR_BYTES",
        ),
        0,
    )
    tile = min(job.mt, mb_n) or mb_n
    groups = [
        (t0, ng, mb)
        for t0 in range(0, mb_n, tile)
        for ng in range(-(-nb_n // npea))
        for mb in range(t0, min(mb_n, t0 + tile))
    ]
    for t0, ng, mb in groups:
        if True:
            act = beats(regs["ACT_LO_ADDR"] + mb * align8(k * b), k * b)
            if job.per_row:
                act += beats(regs["ROWQ_ADDR"] + 16 * mb, 16)
            a_addr, a = stream("act_ho", mb, align8(8 + k * (9 - b)), 8 - b)
            act += beats(a_addr, 8 + a.n_records * (9 - b))
            rd = act if job.mt == 0 or ng == 0 else 0
            if job.mt:
                c["ABUF_RD_BYTES"] += act * bus
                c["ABUF_WR_BYTES"] += act * bus if ng == 0 else 0
            c["ACT_SKIP"] += k - a.n_records
            for p in range(npea):
                nb = ng * npea + p
                if nb >= nb_n:
                    break
                w_addr, wst = stream("wt_ho", nb, align8(8 + k * 5), 4)
                wt = beats(regs["WT_LO_ADDR"] + nb * align8(k * lw), k * lw) + beats(
                    w_addr, 8 + wst.n_records * 5
                )
                if fits:
                    c["WBUF_RD_BYTES"] += wt * bus
                if not fits or mb == t0:
                    rd += wt
                if job.bias is not None:
                    rd += beats(regs["BIAS_ADDR"] + 32 * nb, 32)
                c["WT_SKIP"] += k - wst.n_records
                c["TILES"] += 1
                c["SWO_BUSY"] += k
                for kk in range(k):
                    av, wv = int(a.live[kk]), int(wst.live[kk])
                    c["DWO_BUSY"] += 3 if job.mode == "dense" else av * wv + av + wv
            c["RD_BYTES"] += rd * bus
    exp = expected_output(job)
    if job.out_fmt == "int32":
        c["WR_BYTES"] = m * align8(n) * 4
    elif job.out_fmt == "uint8":
        c["WR_BYTES"] = m * align8(n)
    else:
        ob = job.out_b
        stride = align8(8 + n * (9 - ob))
        c["WR_BYTES"] = sum(
            n * ob
            + 8
            + decode_stream(
                exp.regions["out_ho"][j * stride : (j + 1) * stride], n, 8 - ob
            ).n_records
            * (9 - ob)
            for j in range(mb_n)
        )
    return c


@settings(max_examples=60, deadline=None)
@given(job=jobs(per_row_ok=True))
def test_image_round_trip_and_expected_output(job: Job) -> None:
    img = pack_job(job)
    reg = img.regions
    x_back = decode_act_image(reg["act_lo"][1], reg["act_ho"][1], job.M, job.K, job.b, job.r_eff)
    np.testing.assert_array_equal(x_back, job.x)
    np.testing.assert_array_equal(
        decode_wt_image(reg["wt_lo"][1], reg["wt_ho"][1], job.N, job.K, job.sbr), job.w
    )
    if job.bias is not None:
        got = np.frombuffer(reg["bias"][1], "<i4")
        np.testing.assert_array_equal(got[: job.N], job.bias)
        assert len(got) == align8(job.N) and not got[job.N :].any()
    assert all(a % 8 == 0 for a, _ in reg.values())
    spans = sorted((a, a + len(d)) for a, d in reg.values() if d)
    assert all(e0 <= a1 for (_, e0), (a1, _) in zip(spans, spans[1:], strict=False))
    assert not any(reg["out"][1]) and not any(reg["out_ho"][1])

    if job.per_row:
        rowq = np.frombuffer(reg["rowq"][1], np.uint8).reshape(-1, 2)
        assert len(rowq) == align8(job.M) and not rowq[job.M :].any()
        np.testing.assert_array_equal(rowq[: job.M, 0], job.z)
        np.testing.assert_array_equal(rowq[: job.M, 1], job.r)
        assert img.regs["ACT_Q"] & 0xFFFF == 0 and img.regs["MODE"] >> 6 & 1
    else:
        assert img.regs["MODE"] >> 6 & 1 == 0 and not reg["rowq"][1]

    exp = expected_output(job)
    z = np.asarray(job.z, np.int64).reshape(-1, 1) if job.per_row else job.z
    y = (job.x.astype(np.int64) - z) @ job.w.astype(np.int64).T
    np.testing.assert_array_equal(exp.y, y)
    s = add_bias_sat(y, job.bias) if job.bias is not None else y.astype(np.int32)
    np.testing.assert_array_equal(exp.s, s)
    want = s if job.out_fmt == "int32" else requantize(s, job.mult, job.shift, job.zo)
    np.testing.assert_array_equal(exp.out, want)
    for name in ("out", "out_ho"):
        assert len(exp.regions[name]) == len(reg[name][1])
    np.testing.assert_array_equal(decode_output(job, exp.regions), want)
    if job.out_fmt != "uint8_rle":
        row = align8(job.N) * (4 if job.out_fmt == "int32" else 1)
        assert not any(exp.regions["out"][job.M * row :])  # rows beyond M are not written
    assert descriptor_error(img.regs) == int(ERRORS.OK)


@settings(max_examples=60, deadline=None)
@given(
    job=jobs(per_row_ok=True),
    wbuf=st.sampled_from(sorted({0, 32, 160, 288, 320, 640, 4096, int(ARCH.WBUF_BYTES)})),
    mt=st.sampled_from((0, 1, 2, 3, -1, 1000)),
)
def test_counters_match_loop_recount(job: Job, wbuf: int, mt: int) -> None:
    hi = abuf_mt_max(job.M, job.K, job.b, job.per_row)
    mt = hi if mt == -1 else mt
    if mt and not abuf_fits(job.M, job.K, job.b, job.per_row, mt):
        with pytest.raises(ValueError, match="activation buffer"):
            validate_job(dataclasses.replace(job, mt=mt))
        regs = encode_descriptor({"mt": mt}, pack_job(job).regs)
        assert descriptor_error(regs) == int(ERRORS.BAD_BLOCK)
        return
    job = dataclasses.replace(job, mt=mt)
    got = expected_counters(job, wbuf_bytes=wbuf)
    assert got == recount(job, wbuf)
    assert got["ACT_SKIP"] + got["WT_SKIP"] >= 0
    if wbuf == 0:
        assert got["WBUF_RD_BYTES"] == 0
    if wbuf == int(ARCH.WBUF_BYTES):
        assert expected_counters(job) == got  # the default capacity is arch.toml's


def test_wbuf_rule_edges() -> None:
    """The fit rule at its boundaries (one slot, two slots); the buffer moves weight bytes from
    RD_BYTES (fetched once per n-group) to WBUF_RD_BYTES (played every m-block) only."""
    k = 30
    need = max(align8(k * 5), align8(8 + k * 5))  # SBR: max(152, 160), one bank slot
    assert wbuf_need_bytes(k, True) == need == 160 and wbuf_need_bytes(k, False) == 160
    assert wbuf_need_bytes(200, False) == align8(8 + 200 * 5)
    assert wbuf_need_bytes(4, True) == 32 and wbuf_need_bytes(4, False) == 32
    rng = np.random.default_rng(3)
    job = Job(
        x=rng.integers(0, 256, (24, k)).astype(np.uint8),
        w=rng.integers(-128, 128, (40, k)).astype(np.int8),
        sbr=True,
        mode="zero",
    )
    assert [
        wbuf_slots(k, True, c) for c in (0, 2 * need - 32, 2 * need, 4 * need - 32, 4 * need)
    ] == [0, 0, 1, 1, 2]
    assert not wbuf_fits(job, 2 * need - 32) and wbuf_fits(job, 2 * need)
    off, under, one, two = (
        expected_counters(job, wbuf_bytes=c) for c in (0, 2 * need - 32, 2 * need, 4 * need)
    )
    assert off == under and one == two
    st_on = job_stats(job, wbuf_bytes=2 * need)
    assert st_on.wbuf_fits and st_on.wt_fetch_mblocks == 1 and st_on.wbuf_slots == 1
    assert job_stats(job, wbuf_bytes=4 * need).wbuf_slots == 2
    stream = BUS_BYTES * int(st_on.wt_stream_beats.sum())
    mb = 3
    assert one["WBUF_RD_BYTES"] == mb * stream and off["WBUF_RD_BYTES"] == 0
    assert one["RD_BYTES"] + (mb - 1) * stream == off["RD_BYTES"]
    assert {c: v for c, v in one.items() if c not in ("RD_BYTES", "WBUF_RD_BYTES")} == {
        c: v for c, v in off.items() if c not in ("RD_BYTES", "WBUF_RD_BYTES")
    }
    ng = -(-5 // int(ARCH.NUM_PEA))  # n-groups of NB = 5 weight blocks
    assert BUS_BYTES * (st_on.wt_rd_beats + ng * int(st_on.act_beats.sum())) == one["RD_BYTES"]
    one_mb = dataclasses.replace(job, x=job.x[:8])  # MB = 1: the same bytes fetched
    c1, c0 = (expected_counters(one_mb, wbuf_bytes=c) for c in (2 * need, 0))
    assert c1["RD_BYTES"] == c0["RD_BYTES"] and c1["WBUF_RD_BYTES"] == stream
    with pytest.raises(ValueError, match="multiple of 32"):
        expected_counters(job, wbuf_bytes=100)


def test_padded_columns_written() -> None:
    x = np.full((3, 4), 10, np.uint8)
    w = np.ones((5, 4), np.int8)
    job = Job(x=x, w=w, z=0, out_fmt="uint8", mult=1 << 30, shift=30, zo=9)
    out = np.frombuffer(expected_output(job).regions["out"], np.uint8).reshape(8, 8)
    np.testing.assert_array_equal(out[:3, :5], 49)
    np.testing.assert_array_equal(out[:3, 5:], 9)  # padded channels: y = 0 -> zo
    np.testing.assert_array_equal(out[3:], 0)


def test_explicit_addresses_and_regs() -> None:
    x = np.zeros((8, 8), np.uint8)
    w = np.zeros((8, 8), np.int8)
    quant = {"z": 3, "r": 5, "b": 3, "mult": 123, "shift": 9, "zo": 7, "out_r": 2, "out_b": 5}
    job = Job(x=x, w=w, mode="zero", bias=np.zeros(8, np.int32), out_fmt="uint8_rle",
              act_lo_addr=0x8000, **quant)  # fmt: skip
    img = pack_job(job)
    assert img.regs["ACT_LO_ADDR"] == 0x8000
    assert img.regs["MODE"] == 1 | 4 | 8 | (2 << 4)
    assert img.regs["ACT_Q"] == 3 | (5 << 8) | (3 << 16)
    assert img.regs["OUT_Q"] == 7 | (2 << 8) | (5 << 16)
    assert (img.regs["RQ_MULT"], img.regs["RQ_SHIFT"]) == (123, 9)
    assert all(img.regs[r] >= 0x8000 + 8 * 3 for r in ("ACT_HO_ADDR", "WT_LO_ADDR", "OUT_ADDR"))


def _legal_regs() -> dict[str, int]:
    x = np.zeros((8, 8), np.uint8)
    return pack_job(
        Job(x=x, w=np.zeros((8, 8), np.int8), r=15, out_fmt="uint8_rle", bias=np.zeros(8, np.int32))
    ).regs


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "OK"),
        ({"M": 0}, "BAD_DIM"),
        ({"K": 4097}, "BAD_DIM"),
        ({"N": 0x10000}, "BAD_DIM"),
        ({"MODE": 3 | 4 | 8 | (2 << 4)}, "BAD_MODE"),
        ({"MODE": 2 | (3 << 4)}, "BAD_MODE"),
        ({"ACT_Q": 15 << 8 | 6 << 16}, "BAD_LO_BITS"),
        ({"OUT_Q": 2 << 16}, "BAD_LO_BITS"),
        ({"ACT_Q": 16 << 8 | 4 << 16}, "BAD_R"),
        ({"OUT_Q": 32 << 8 | 3 << 16}, "BAD_R"),
        ({"ACT_HO_ADDR": 0x1004}, "MISALIGNED"),
        ({"BIAS_ADDR": 0x1004}, "MISALIGNED"),
        ({"RQ_MULT": 0}, "BAD_RQ"),
        ({"RQ_SHIFT": 63}, "BAD_RQ"),
        ({"M": 0, "MODE": 3}, "BAD_DIM"),  # lowest code wins
        ({"RQ_MULT": 0, "ACT_LO_ADDR": 4}, "MISALIGNED"),
        ({"MODE": 2 | 1 << 6, "ACT_Q": 31 << 8 | 4 << 16}, "OK"),  # row_q: ACT_Q.r unused
        ({"MODE": 2 | 1 << 6, "ROWQ_ADDR": 0x2004}, "MISALIGNED"),
        ({"MODE": 2, "ROWQ_ADDR": 0x2004}, "OK"),  # ROWQ_ADDR unused without row_q
    ],
)
def test_descriptor_error(changes: dict[str, int], code: str) -> None:
    regs = _legal_regs()
    regs.update(changes)
    assert descriptor_error(regs) == int(ERRORS[code])


def test_descriptor_error_ignores_unused_fields() -> None:
    regs = _legal_regs()
    regs.update(
        MODE=1,
        ACT_Q=31 << 8 | 4 << 16,
        OUT_Q=0xFF << 8 | 9 << 16,
        RQ_MULT=0,
        BIAS_ADDR=3,
        OUT_HO_ADDR=5,
    )  # ZERO_SKIP, INT32 out, no bias
    assert descriptor_error(regs) == int(ERRORS.OK)
    with pytest.raises(ValueError, match="missing"):
        descriptor_error({"M": 1})


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"x": np.zeros((2, 3), np.int32)}, "x"),
        ({"w": np.zeros((2, 4), np.int8)}, "w must have K"),
        ({"x": np.zeros((4097, 3), np.uint8)}, "M"),
        ({"r": 16}, "r"),
        ({"b": 2}, "b"),
        ({"mode": "fast"}, "mode"),
        ({"out_fmt": "fp16"}, "out_fmt"),
        ({"bias": np.zeros(3, np.int32)}, "bias"),
        ({"bias": np.zeros(2, np.int64)}, "bias"),
        ({"out_fmt": "uint8", "mult": 0}, "mult"),
        ({"out_fmt": "uint8", "shift": 0}, "shift"),
        ({"out_fmt": "uint8_rle", "out_b": 6}, "out_b"),
        ({"out_fmt": "uint8_rle", "out_r": 16}, "out_r"),
        ({"act_lo_addr": 0x1001}, "act_lo_addr"),
        ({"act_lo_addr": 0x2000, "wt_lo_addr": 0x2000}, "overlaps"),
    ],
)
def test_validate_job(changes: dict, needle: str) -> None:
    job = Job(x=np.zeros((2, 3), np.uint8), w=np.zeros((2, 3), np.int8))
    with pytest.raises(ValueError, match=needle):
        validate_job(dataclasses.replace(job, **changes))
