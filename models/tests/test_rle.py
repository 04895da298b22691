"""RLE stream format and lane packing: exact inverses, fillers, corruption."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.errors import StreamCorruptError
from panacea.rle import decode_stream, encode_stream, pack_lanes, record_mask, unpack_lanes


@st.composite
def stream_case(draw: st.DrawFn) -> tuple:
    k = draw(st.integers(1, 80))
    lbits = draw(st.integers(1, 8))
    run_bits = draw(st.sampled_from((1, 2, 3, 8)))
    density = draw(st.sampled_from((0.0, 0.05, 0.5, 1.0)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p = rng.integers(0, 1 << lbits, (k, 8))
    p[rng.random(k) >= density] = 0
    return p, lbits, run_bits


@settings(max_examples=200, deadline=None)
@given(case=stream_case())
def test_round_trip(case: tuple) -> None:
    p, lbits, run_bits = case
    buf = encode_stream(p, lbits, run_bits)
    d = decode_stream(buf, p.shape[0], lbits, run_bits)
    np.testing.assert_array_equal(d.payload, p)
    assert d.n_bytes == len(buf) == 8 + d.n_records * (1 + lbits)
    np.testing.assert_array_equal(d.live, record_mask(~p.any(axis=1), run_bits))
    assert np.all(d.live[p.any(axis=1)])
    # re-encoding the decoded payload gives the same bytes, trailing padding is ignored
    assert encode_stream(d.payload, lbits, run_bits) == buf
    assert decode_stream(buf + bytes(13), p.shape[0], lbits, run_bits).n_records == d.n_records


def test_fillers_for_long_runs() -> None:
    p = np.zeros((12, 8), np.int64)
    p[11, 0] = 1
    buf = encode_stream(p, 4, run_bits=2)  # RUN_MAX = 3
    n_rec, n_vec = np.frombuffer(buf[:8], "<u4")
    assert (n_rec, n_vec) == (3, 12)
    recs = np.frombuffer(buf[8:], np.uint8).reshape(3, 5)
    np.testing.assert_array_equal(recs[:, 0], [3, 3, 3])  # fillers at 3 and 7, record at 11
    np.testing.assert_array_equal(recs[:2, 1:], 0)
    d = decode_stream(buf, 12, 4, run_bits=2)
    np.testing.assert_array_equal(np.flatnonzero(d.live), [3, 7, 11])


def test_exact_bytes_example() -> None:
    p = np.zeros((3, 8), np.int64)
    p[1] = np.arange(8)
    buf = encode_stream(p, 4, run_bits=8)
    assert buf.hex() == "01000000030000000110325476"


@pytest.mark.parametrize("k", [1, 7, 300, 1000])
def test_all_skipped_and_trailing(k: int) -> None:
    p = np.zeros((k, 8), np.int64)
    buf = encode_stream(p, 3)
    fillers = k // 256  # eager fillers: one per RUN_MAX + 1 skipped vectors (run_bits = 8)
    assert len(buf) == 8 + fillers * 4
    assert int.from_bytes(buf[:4], "little") == fillers
    assert buf[8:] == bytes([255, 0, 0, 0]) * fillers
    d = decode_stream(buf, k, 3)
    assert d.n_records == fillers and int(d.live.sum()) == fillers
    np.testing.assert_array_equal(d.payload, p)


def test_corruption_detected() -> None:
    p = np.zeros((10, 8), np.int64)
    p[[2, 9]] = 1
    buf = bytearray(encode_stream(p, 2, run_bits=8))
    with pytest.raises(StreamCorruptError, match="n_vectors"):
        decode_stream(bytes(buf), 11, 2)
    bad = bytearray(buf)
    bad[8 + 3] = 7  # second record run 6 -> 7: lands at 10 >= K
    with pytest.raises(StreamCorruptError, match=">= K"):
        decode_stream(bytes(bad), 10, 2)
    with pytest.raises(StreamCorruptError, match="bytes"):
        decode_stream(bytes(buf[:-1]), 10, 2)
    with pytest.raises(StreamCorruptError, match="RUN_MAX"):
        decode_stream(bytes(buf), 10, 2, run_bits=2)
    with pytest.raises(StreamCorruptError, match="header"):
        decode_stream(b"\x00" * 5, 10, 2)
    assert issubclass(StreamCorruptError, ValueError)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 20),
    lbits=st.integers(1, 8),
    signed=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_lane_packing_round_trip(n: int, lbits: int, signed: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    lo, hi = (-(1 << (lbits - 1)), (1 << (lbits - 1))) if signed else (0, 1 << lbits)
    v = rng.integers(lo, hi, (n, 8))
    buf = pack_lanes(v, lbits)
    assert len(buf) == n * lbits
    np.testing.assert_array_equal(unpack_lanes(buf, n, lbits, signed), v)


def test_lane_packing_layout() -> None:
    v = np.array([[1, 0, 0, 0, 0, 0, 0, -1]])
    buf = pack_lanes(v, 5)  # lane 0 at bits 0..4, lane 7 at bits 35..39
    assert int.from_bytes(buf, "little") == 1 | (0x1F << 35)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: pack_lanes(np.zeros((2, 7), np.int64), 4), "vals"),
        (lambda: pack_lanes(np.full((1, 8), 16), 4), "vals"),
        (lambda: pack_lanes(np.zeros((1, 8), np.int64), 9), "L"),
        (lambda: encode_stream(np.full((2, 8), -1), 4), "payload"),
        (lambda: encode_stream(np.zeros((0, 8), np.int64), 4), "K"),
        (lambda: decode_stream(b"", 0, 4), "K"),
        (lambda: unpack_lanes(b"\x00", 1, 4, False), "buf"),
    ],
)
def test_bad_arguments(call, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        call()
