"""Quantization, calibration, SQNR, ZPM and DBS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.quant import (
    calibrate_activations,
    finite_or_none,
    gemm_sqnr_db,
    quantize_activations,
    quantize_weights,
    sqnr_db,
)
from panacea.zpm import choose_lo_bits, choose_r, ho_share, zero_point_manipulation


def test_quantize_weights_per_channel() -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(0, 1, (6, 50)) * np.arange(1, 7)[:, None]
    w[5] = 0.0
    wq, s = quantize_weights(w)
    assert wq.dtype == np.int8 and s.shape == (6,)
    assert wq.min() >= -127 and wq.max() <= 127
    np.testing.assert_array_equal(np.abs(wq[:5]).max(axis=1), 127)
    assert np.all(wq[5] == 0) and s[5] == 1.0
    assert np.max(np.abs(wq * s[:, None] - w)) <= s.max() / 2 + 1e-12


def test_calibration_and_sqnr() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(1.0, 1.0, (64, 32))
    s, z = calibrate_activations(x)
    xq = quantize_activations(x, s, z)
    assert xq.dtype == np.uint8 and xq.min() == 0 and xq.max() == 255
    assert sqnr_db(x, s * (xq.astype(np.float64) - z)) > 35.0
    s_p, _ = calibrate_activations(x, "percentile", 99.0)
    assert s_p < s
    w = rng.normal(0, 0.1, (16, 32))
    wq, ws = quantize_weights(w)
    y = (xq.astype(np.int64) - z) @ wq.astype(np.int64).T
    assert gemm_sqnr_db(x, w, y, s, ws) > 30.0
    assert sqnr_db(x, x) == float("inf")
    assert finite_or_none(sqnr_db(x, x)) is None and finite_or_none(-1.5) == -1.5


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    b=st.sampled_from((3, 4, 5)),
    mu=st.floats(-2.0, 2.0),
    sigma=st.floats(0.05, 3.0),
    guard=st.sampled_from((0.0, 0.5, 3.0)),
)
def test_zpm_never_lowers_share(seed: int, b: int, mu: float, sigma: float, guard: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(mu, sigma, (40, 24))
    s, z = calibrate_activations(x)
    res = zero_point_manipulation(x, s, z, b, guard_db=guard)
    assert res.share_after >= res.share_before
    assert abs(res.z_after - z) <= 1 << (b - 1) and 0 <= res.z_after <= 255
    assert res.r == res.z_after >> b and res.z_before == z
    assert res.sqnr_after_db >= res.sqnr_before_db - guard - 1e-9
    xq = quantize_activations(x, s, res.z_after)
    assert res.share_after == pytest.approx(ho_share(xq, b, res.r))
    off = zero_point_manipulation(x, s, z, b, enabled=False)
    assert off.z_after == z and off.share_after == off.share_before == res.share_before


def test_zpm_moves_to_bin_centre() -> None:
    rng = np.random.default_rng(3)
    s = 0.01
    x = rng.normal(0.0, 0.02, 20000)  # mass at the zero point: +-2 LSB
    res = zero_point_manipulation(x, s, 128, 4, guard_db=1.0)  # 128 is a bin edge at b = 4
    assert res.share_after > res.share_before + 0.3
    assert 128 + 2 <= res.z_after <= 128 + 8


def test_choose_r() -> None:
    xq = np.array([[0x31, 0x32, 0x45], [0x3F, 0x01, 0x30]], np.uint8)
    assert choose_r(xq, 4) == 3
    assert choose_r(xq, 5) == 1
    with pytest.raises(ValueError, match="xq"):
        choose_r(xq.astype(np.int32), 4)


def test_dbs_picks_cheapest_and_can_be_disabled() -> None:
    rng = np.random.default_rng(4)
    x = np.maximum(rng.normal(0.2, 1.0, (24, 40)), -0.1)
    wq, _ = quantize_weights(rng.normal(0, 0.05, (20, 40)))
    s, z = calibrate_activations(x)
    res = choose_lo_bits(x, s, z, wq)
    assert set(res.per_b) == {3, 4, 5}
    assert res.chosen.cycles == min(c.cycles for c in res.per_b.values())
    assert res.cycles_saved >= 0
    off = choose_lo_bits(x, s, z, wq, enabled=False, zpm=False)
    assert off.b == 4 and set(off.per_b) == {4} and off.chosen.zpm.z_after == z


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: quantize_weights(np.array([[1.0, np.nan]])), "w_float"),
        (lambda: quantize_weights(np.ones(3)), "w_float"),
        (lambda: calibrate_activations(np.array([np.inf])), "x_float"),
        (lambda: calibrate_activations(np.ones(3), method="mse"), "method"),
        (lambda: calibrate_activations(np.ones(3), "percentile", 10.0), "percentile"),
        (lambda: quantize_activations(np.ones(3), 0.0, 0), "scale"),
        (lambda: quantize_activations(np.ones(3), 1.0, 300), "z"),
        (lambda: zero_point_manipulation(np.ones(3), 1.0, 0, 6), "b"),
        (lambda: zero_point_manipulation(np.ones(3), 1.0, 0, 4, guard_db=-1.0), "guard_db"),
        (lambda: sqnr_db(np.ones(3), np.ones(4)), "approx"),
    ],
)
def test_bad_arguments(call, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        call()
