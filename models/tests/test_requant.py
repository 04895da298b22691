"""Bias saturation and requantization: documented rounding rule, float reference, examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.requant import add_bias_sat, quantize_multiplier, requantize

I32 = st.integers(-(2**31), 2**31 - 1)

# (s, mult, shift, zo, expected), each worked out by hand from section 1 of architecture.md
HAND = [
    (100, 1 << 30, 31, 0, 50),  # 100 * 0.5
    (3, 1 << 30, 31, 0, 2),  # 1.5 rounds half up to 2
    (-3, 1 << 30, 31, 10, 9),  # -1.5 rounds half up to -1, + 10
    (-5, 1 << 30, 31, 10, 8),  # -2.5 -> -2, + 10
    (7, 3, 1, 0, 11),  # 21 / 2 = 10.5 -> 11
    (1000, 1 << 30, 31, 0, 255),  # clamp high
    (-1000, 1 << 30, 31, 200, 0),  # clamp low
    (2**31 - 1, 2**31 - 1, 62, 5, 6),  # (2^31-1)^2 / 2^62 = 0.99999... -> 1, + 5
    (-(2**31), 2**31 - 1, 62, 5, 4),  # -0.99999... -> -1, + 5
    (0, 1, 1, 77, 77),
]


@pytest.mark.parametrize(("s", "mult", "shift", "zo", "want"), HAND)
def test_hand_examples(s: int, mult: int, shift: int, zo: int, want: int) -> None:
    out = requantize(np.array([s], np.int32), mult, shift, zo)
    assert out.dtype == np.uint8 and int(out[0]) == want


@settings(max_examples=150, deadline=None)
@given(
    s=st.lists(I32, min_size=1, max_size=16),
    mult=st.integers(1, 2**31 - 1),
    shift=st.integers(1, 62),
    zo=st.integers(0, 255),
)
def test_documented_rule_and_float_reference(s: list[int], mult: int, shift: int, zo: int) -> None:
    arr = np.array(s, np.int32)
    got = requantize(arr, mult, shift, zo).astype(np.int64)
    rule = [min(255, max(0, ((v * mult + (1 << (shift - 1))) >> shift) + zo)) for v in s]
    np.testing.assert_array_equal(got, rule)  # Python ints: exact, >> is arithmetic
    ref = np.clip(np.floor(arr.astype(np.float64) * (mult / 2.0**shift) + 0.5) + zo, 0, 255)
    assert np.max(np.abs(got - ref)) <= 1


def test_bias_saturates() -> None:
    acc = np.array([[2**31 - 10, -(2**31) + 10, 5]], np.int64)
    bias = np.array([100, -100, -7], np.int32)
    out = add_bias_sat(acc, bias)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[2**31 - 1, -(2**31), -2]])


@pytest.mark.parametrize("scale", [2.0**-32, 1e-7, 0.0039, 0.3, 1.0, 3.75, 2.0**30 * 0.999999])
def test_quantize_multiplier(scale: float) -> None:
    mult, shift = quantize_multiplier(scale)
    assert 2**30 <= mult <= 2**31 - 1 and 1 <= shift <= 62
    assert abs(mult / 2.0**shift / scale - 1.0) < 2.0**-30


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: requantize(np.array([1]), 0, 4, 0), "mult"),
        (lambda: requantize(np.array([1]), 1, 63, 0), "shift"),
        (lambda: requantize(np.array([1]), 1, 0, 0), "shift"),
        (lambda: requantize(np.array([1]), 1, 4, 256), "zo"),
        (lambda: requantize(np.array([1.0]), 1, 4, 0), "s must"),
        (lambda: requantize(np.array([2**31]), 1, 4, 0), "s values"),
        (lambda: add_bias_sat(np.zeros((2, 3), np.int64), np.zeros(2, np.int32)), "bias"),
        (lambda: quantize_multiplier(0.0), "scale"),
        (lambda: quantize_multiplier(float("nan")), "scale"),
        (lambda: quantize_multiplier(2.0**30), "scale"),
    ],
)
def test_bad_arguments(call, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        call()
