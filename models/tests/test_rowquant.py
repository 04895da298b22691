"""Per-row (per-token) calibration and ZPM and the host rules for r (hypothesis, edge values
included); the AQS-GEMM identity with one z and r per row is in test_aqs.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.aqs import aqs_gemm
from panacea.quant import calibrate_activations, quantize_activations
from panacea.rowquant import (
    act_skip_share,
    calibrate_rows,
    center_rows,
    choose_r_rows,
    quantize_rows,
)

# the random seed of a test's data and the LO width, drawn by every property test here
SEED_B = dict(seed=st.integers(0, 2**32 - 1), b=st.sampled_from((3, 4, 5)))


@settings(max_examples=40, deadline=None)
@given(**SEED_B, m=st.integers(1, 21), group=st.sampled_from((2, 8)))
def test_row_groups_share_one_range(seed: int, m: int, group: int, b: int) -> None:
    x = np.random.default_rng(seed).standard_t(2, (m, 7))
    for scale, z in (calibrate_rows(x, group), center_rows(x, *calibrate_rows(x, group), b, group)):
        for g in range(0, m, group):
            assert len(set(z[g : g + group].tolist())) == 1
            assert len(set(scale[g : g + group].tolist())) == 1
    scale, z = calibrate_rows(x, group)
    for g in range(0, m, group):
        assert (scale[g], z[g]) == calibrate_activations(x[g : g + group])
    with pytest.raises(ValueError, match="group must be an integer >= 1"):
        calibrate_rows(x, 0)


def test_per_row_parameters_are_checked() -> None:
    x = np.zeros((3, 4), np.uint8)
    w = np.zeros((2, 4), np.int8)
    with pytest.raises(ValueError, match=r"z must be one integer or one per row \(M = 3\)"):
        aqs_gemm(x, w, np.zeros(2, np.int64), 0)
    with pytest.raises(ValueError, match=r"r values must be in \[0, 15\]"):
        aqs_gemm(x, w, 0, np.array([0, 16, 0]))
    with pytest.raises(ValueError, match="z values must be in"):
        aqs_gemm(x, w, np.array([0, 256, 0]), 0)


@settings(max_examples=60, deadline=None)
@given(
    **SEED_B, m=st.integers(1, 12), k=st.integers(1, 40), shift=st.sampled_from((-3.0, 0.0, 3.0))
)
def test_row_calibration_and_centering(seed: int, m: int, k: int, b: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_t(2, (m, k)) + shift
    x[0] = 0.0  # an all-zero row (scale 1.0)
    scale, z = calibrate_rows(x)
    for i in range(m):  # the per-tensor formula on each row
        s1, z1 = calibrate_activations(x[i : i + 1])
        assert (scale[i], z[i]) == (s1, z1)
        np.testing.assert_array_equal(
            quantize_rows(x, scale, z)[i], quantize_activations(x[i], s1, z1)
        )
    sc, zc = center_rows(x, scale, z, b)
    assert np.all(zc % (1 << b) == 1 << (b - 1)) and np.all(np.abs(zc - z) <= 1 << (b - 1))
    assert np.all(sc[1:] >= scale[1:] * (1 - 1e-12))
    t = np.rint(x / sc[:, None]) + zc[:, None]
    assert t.min() >= 0 and t.max() <= 255  # nothing clips after centering
    xq = quantize_rows(x, sc, zc)
    near = np.abs(x) < sc[:, None] * ((1 << (b - 1)) - 0.5)
    assert np.all((xq >> b)[near] == np.broadcast_to(zc[:, None] >> b, x.shape)[near])


@settings(max_examples=80, deadline=None)
@given(**SEED_B, m=st.integers(1, 20), k=st.integers(1, 30), spread=st.sampled_from((0, 1, 40)))
def test_r_rules(seed: int, m: int, k: int, b: int, spread: int) -> None:
    rng = np.random.default_rng(seed)
    xq = np.clip(rng.integers(100, 101 + spread, (m, 1)) + rng.normal(0, 3, (m, k)), 0, 255).astype(
        np.uint8
    )
    xh = xq.astype(np.int64) >> b
    z = rng.integers(0, 256, m)
    np.testing.assert_array_equal(choose_r_rows(xq, b, "zero", z), z >> b)
    mode = choose_r_rows(xq, b, "mode")
    for i in range(m):
        counts = np.bincount(xh[i], minlength=1 << (8 - b))
        assert mode[i] == int(counts.argmax())
    tensor = choose_r_rows(xq, b, "tensor")
    assert np.all(tensor == np.bincount(xh.ravel()).argmax())
    blk = choose_r_rows(xq, b, "block")
    got = act_skip_share(xq, b, blk)
    for j in range(0, m, 8):  # one value per block of 8 rows
        assert len(set(blk[j : j + 8].tolist())) == 1
    for cand in range(1 << (8 - b)):  # and no single r per block does better
        assert got >= act_skip_share(xq, b, np.full(m, cand)) - 1e-12
    assert got >= act_skip_share(xq, b, tensor) - 1e-12


def test_rule_errors() -> None:
    xq = np.zeros((2, 3), np.uint8)
    with pytest.raises(ValueError, match="rule must be one of"):
        choose_r_rows(xq, 4, "best")
    with pytest.raises(ValueError, match="needs the per-row zero points"):
        choose_r_rows(xq, 4, "zero")
