"""AQS-GEMM identity, skip modes, vector masks and input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from panacea.aqs import (
    _identity_errors,
    aqs_gemm,
    parse_mode,
    prepare_weights,
    vector_skip_masks,
)
from panacea.errors import DecompositionError
from panacea.slicing import act_residual, slice_act, slice_wt

MODES = ("dense", "zero", "aqs", 0, 1, 2, "ZERO_SKIP", "AQS")


@st.composite
def gemm_case(draw: st.DrawFn) -> tuple:
    m = draw(st.integers(1, 20))
    n = draw(st.integers(1, 20))
    k = draw(st.integers(1, 24))
    b = draw(st.sampled_from((3, 4, 5)))
    seed = draw(st.integers(0, 2**32 - 1))
    style = draw(st.sampled_from(("uniform", "extreme", "narrow")))
    rng = np.random.default_rng(seed)
    if style == "uniform":
        x = rng.integers(0, 256, (m, k), dtype=np.uint8)
        w = rng.integers(-128, 128, (n, k), dtype=np.int8)
    elif style == "extreme":
        x = rng.choice(np.array([0, 255], np.uint8), (m, k))
        w = rng.choice(np.array([-128, 127], np.int8), (n, k))
    else:
        x = np.clip(rng.normal(128, 6, (m, k)), 0, 255).astype(np.uint8)
        w = np.clip(rng.normal(0, 8, (n, k)), -128, 127).astype(np.int8)
    z = draw(st.sampled_from((0, 255, int(rng.integers(0, 256)))))
    rmax = (1 << (8 - b)) - 1
    r = draw(st.sampled_from((0, rmax, int(rng.integers(0, rmax + 1)))))
    return x, w, z, r, b


@settings(max_examples=150, deadline=None)
@given(case=gemm_case(), sbr=st.booleans(), mode=st.sampled_from(MODES))
def test_identity_matches_plain_gemm(case: tuple, sbr: bool, mode: str | int) -> None:
    x, w, z, r, b = case
    res = aqs_gemm(x, w, z, r, b, sbr, mode)
    ref = (x.astype(np.int64) - z) @ w.astype(np.int64).T
    assert res.y.dtype == np.int64 and res.y.shape == ref.shape
    np.testing.assert_array_equal(res.y, ref)
    r_eff = r if parse_mode(mode) == 2 else 0
    assert res.r_eff == r_eff
    # the terms are the documented raw sums
    xh, xl = slice_act(x, b)
    xr = act_residual(xh, r_eff)
    wh, wl = slice_wt(w, sbr)
    np.testing.assert_array_equal(res.hh, xr @ wh.T)
    np.testing.assert_array_equal(res.hl, xl @ wh.T)
    np.testing.assert_array_equal(res.lh, xr @ wl.T)
    np.testing.assert_array_equal(res.ll, xl @ wl.T)
    np.testing.assert_array_equal(
        res.comp, ((1 << b) * r_eff - z) * w.astype(np.int64).sum(1) + np.zeros_like(ref)
    )


def test_large_k_uses_exact_path() -> None:
    rng = np.random.default_rng(1)
    x = rng.choice(np.array([0, 255], np.uint8), (3, 4096))
    w = rng.choice(np.array([-128, 127], np.int8), (5, 4096))
    res = aqs_gemm(x, w, 0, 15, 4, False, "aqs")
    np.testing.assert_array_equal(res.y, (x.astype(np.int64)) @ w.astype(np.int64).T)


def test_slicing_ranges_and_sbr() -> None:
    w = np.arange(-128, 128, dtype=np.int64).astype(np.int8)
    wh, wl = slice_wt(w, sbr=False)
    assert wh.min() == -8 and wh.max() == 7 and wl.min() == 0 and wl.max() == 15
    np.testing.assert_array_equal(16 * wh + wl, w)
    wh, wl = slice_wt(w, sbr=True)
    assert wl.min() == -16 and wl.max() == 15 and not np.any(wh == -1)
    np.testing.assert_array_equal(16 * wh + wl, w)
    assert np.all(wh[(w >= -16) & (w <= 15)] == 0)
    x = np.arange(256, dtype=np.uint8)
    for b in (3, 4, 5):
        xh, xl = slice_act(x, b)
        np.testing.assert_array_equal((xh << b) + xl, x)
        assert xh.max() == (1 << (8 - b)) - 1


def test_vector_masks() -> None:
    x = np.full((10, 3), 0x85, np.uint8)  # xh = 8 at b = 4
    x[9, 1] = 0x05
    w = np.zeros((9, 3), np.int8)
    w[8, 2] = 16
    res = aqs_gemm(x, w, 0, 8, 4, True, "aqs")
    assert res.act_skip.shape == (2, 3) and res.wt_skip.shape == (2, 3)
    np.testing.assert_array_equal(res.act_skip, [[True, True, True], [True, False, True]])
    np.testing.assert_array_equal(res.wt_skip, [[True, True, True], [True, True, False]])
    zero = aqs_gemm(x, w, 0, 8, 4, True, "zero")
    assert not zero.act_skip.any()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"xq": np.zeros((2, 3), np.int16)}, "xq"),
        ({"wq": np.zeros((2, 3), np.int16)}, "wq"),
        ({"xq": np.zeros((0, 3), np.uint8)}, "xq"),
        ({"wq": np.zeros((2, 4), np.int8)}, "wq"),
        ({"xq": np.zeros(3, np.uint8)}, "xq"),
        ({"xq": np.zeros((2, 0), np.uint8), "wq": np.zeros((2, 0), np.int8)}, "xq"),
        ({"z": 256}, "z"),
        ({"z": -1}, "z"),
        ({"r": 16}, "r"),
        ({"b": 6}, "b"),
        ({"mode": "sparse"}, "mode"),
        ({"mode": 3}, "mode"),
        ({"sbr": 1}, "sbr"),
    ],
)
def test_bad_input_names_argument(kwargs: dict, needle: str) -> None:
    args = {
        "xq": np.zeros((2, 3), np.uint8),
        "wq": np.zeros((2, 3), np.int8),
        "z": 0,
        "r": 0,
        "b": 4,
        "sbr": True,
        "mode": "aqs",
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=needle):
        aqs_gemm(**args)


@st.composite
def per_row_case(draw: st.DrawFn) -> tuple:
    """test_aqs's GEMM operands with one z and one r per row (edge values 0 / max included)."""
    x, w, _, _, b = draw(gemm_case())
    m, rmax = x.shape[0], (1 << (8 - b)) - 1
    z = np.array(draw(st.lists(st.sampled_from((0, 255, 7, 128, 201)), min_size=m, max_size=m)))
    r = np.array(draw(st.lists(st.sampled_from((0, rmax, rmax // 2, 1)), min_size=m, max_size=m)))
    return x, w, z, r, b


@settings(max_examples=150, deadline=None)
@given(case=per_row_case(), sbr=st.booleans(), mode=st.sampled_from(("dense", "zero", "aqs")))
def test_per_row_identity(case: tuple, sbr: bool, mode: str) -> None:
    x, w, z, r, b = case
    res = aqs_gemm(x, w, z, r, b, sbr, mode)
    w64 = w.astype(np.int64)
    np.testing.assert_array_equal(res.y, (x.astype(np.int64) - z[:, None]) @ w64.T)
    r_eff = r if mode == "aqs" else np.zeros_like(r)
    np.testing.assert_array_equal(res.r_eff, r_eff)
    np.testing.assert_array_equal(res.comp, ((1 << b) * r_eff - z)[:, None] * w64.sum(1)[None])
    xr = (x.astype(np.int64) >> b) - r_eff[:, None]
    np.testing.assert_array_equal(
        res.act_skip, vector_skip_masks(xr, np.zeros((1, x.shape[1]), np.int64))[0]
    )
    # a per-row array of one value is the scalar job
    same = aqs_gemm(x, w, np.full(len(z), z[0]), np.full(len(r), r[0]), b, sbr, mode)
    scal = aqs_gemm(x, w, int(z[0]), int(r[0]), b, sbr, mode)
    np.testing.assert_array_equal(same.y, scal.y)
    np.testing.assert_array_equal(same.act_skip, scal.act_skip)


@settings(max_examples=60, deadline=None)
@given(case=gemm_case(), sbr=st.booleans(), mode=st.sampled_from(MODES))
def test_weight_prep_and_freivalds_give_the_same_result(
    case: tuple, sbr: bool, mode: str | int
) -> None:
    x, w, z, r, b = case
    plain = aqs_gemm(x, w, z, r, b, sbr, mode)
    prep = prepare_weights(w, sbr)
    for _ in range(2):  # the second call reuses the cached float copy of the slices
        res = aqs_gemm(x, w, z, r, b, sbr, mode, prep=prep, check="freivalds")
        for f in ("hh", "hl", "lh", "ll", "comp", "y", "colsum", "act_skip", "wt_skip"):
            np.testing.assert_array_equal(getattr(res, f), getattr(plain, f))


@pytest.mark.parametrize("check", ["full", "freivalds"])
def test_identity_check_catches_one_wrong_output(check: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, (40, 300), dtype=np.uint8)
    w = rng.integers(-128, 128, (50, 300), dtype=np.int8)
    xz = x.astype(np.int64) - 3
    y = xz @ w.astype(np.int64).T
    assert _identity_errors(y, xz, w, check) == 0
    for i, j, d in ((0, 0, 1), (39, 49, -1), (17, 3, 1 << 20)):
        bad = y.copy()
        bad[i, j] += d
        assert _identity_errors(bad, xz, w, check) > 0


def test_prep_and_check_arguments_are_checked() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (4, 16), dtype=np.uint8)
    w = rng.integers(-128, 128, (3, 16), dtype=np.int8)
    with pytest.raises(ValueError, match="prep must be"):
        aqs_gemm(x, w, 0, 0, 4, True, prep=prepare_weights(w, False))
    with pytest.raises(ValueError, match="prep must be"):
        aqs_gemm(x, w, 0, 0, 4, True, prep=prepare_weights(w[::-1].copy(), True))
    with pytest.raises(ValueError, match="check must be"):
        aqs_gemm(x, w, 0, 0, 4, True, check="none")


def test_corrupt_slice_gemm_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import panacea.aqs as aqs

    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (9, 40), dtype=np.uint8)
    w = rng.integers(-128, 128, (11, 40), dtype=np.int8)
    real = aqs.exact_matmul
    monkeypatch.setattr(aqs, "exact_matmul", lambda a, b, c=None: real(a, b, c) + (a.shape[0] > 9))
    for check in ("full", "freivalds"):
        with pytest.raises(DecompositionError, match="identity failed"):
            aqs_gemm(x, w, 5, 0, 4, True, check=check)
