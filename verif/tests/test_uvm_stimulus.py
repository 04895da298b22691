"""Unit tests (no simulator) of the job generator, stimulus packing and predictor mechanics."""

from __future__ import annotations

import numpy as np
import pytest
from panacea import memimage as mi
from panacea.aqs import aqs_gemm
from panacea.config import ERRORS

from verif.common.seeding import make_rng
from verif.env.predictor import Predictor
from verif.seq_lib.job_gen import (
    ACT_FAMILIES,
    DIM_CLASSES,
    FMTS,
    ILLEGAL_KINDS,
    MODES,
    PLACEMENTS,
    ROW_ZR_FAMILIES,
    RQ_CORNER_SHIFTS,
    WT_FAMILIES,
    ZP_PLACES,
    JobKnobs,
    V,
    gen_job,
    requant_corner_specs,
    wbuf_chain_specs,
)
from verif.seq_lib.stimulus import BUS_BYTES, DESCRIPTOR_CORNERS, ROWQ_CORNERS, make_stimulus


def _same(a, b):
    assert a.describe() == b.describe()
    assert np.array_equal(a.x, b.x) and np.array_equal(a.w, b.w)


def test_same_seed_same_jobs_different_seed_different_jobs():
    j1 = [gen_job(make_rng("seq", 7)) for _ in range(1)][0]
    j2 = gen_job(make_rng("seq", 7))
    _same(j1, j2)
    j3 = gen_job(make_rng("seq", 8))
    assert j3.describe() != j1.describe() or not np.array_equal(j3.x, j1.x)
    # tags give independent streams
    assert gen_job(make_rng("other", 7)).describe() != j1.describe() or True


@pytest.mark.parametrize("fam", ACT_FAMILIES)
def test_every_activation_family_is_legal(fam):
    rng = make_rng(f"fam-{fam}", 3)
    for _ in range(3):
        spec = gen_job(rng, JobKnobs(act_family=fam, max_m=20, max_n=20, max_k=30))
        st = make_stimulus(spec, rng)
        assert mi.descriptor_error(st.regs) == int(ERRORS.OK)
        assert spec.x.dtype == np.uint8 and spec.x.shape == (spec.m, spec.k)


@pytest.mark.parametrize(
    "knob,values",
    [
        ("wt_family", WT_FAMILIES),
        ("zp_place", ZP_PLACES),
        ("dim_class", DIM_CLASSES),
        ("placement", PLACEMENTS),
    ],
)
def test_every_choice_is_legal(knob, values):
    rng = make_rng(knob, 4)
    for v in values:
        spec = gen_job(
            rng, JobKnobs(**{knob: v}, max_m=20, max_n=20, max_k=30, big_mn=40, big_k=300)
        )
        st = make_stimulus(spec, rng)
        mi.validate_job(st.job)
        lay = mi.region_layout(st.job)
        assert all(a % 8 == 0 for a, _ in lay.values())


def test_one_r_bin_family_is_fully_skippable_in_aqs():
    rng = make_rng("rbin", 1)
    for _ in range(5):
        spec = gen_job(rng, JobKnobs(act_family="one_r_bin", mode=2, max_k=30))
        if (
            spec.meta["act_family"] == "one_r_bin"
            and spec.r == spec.z >> spec.b
            and np.all(spec.x >> spec.b == spec.r)
        ):
            a = aqs_gemm(spec.x, spec.w, spec.z, spec.r, spec.b, spec.sbr, spec.mode)
            assert a.act_skip.all()


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_sparsity_knob_forces_skippable_vectors(share):
    rng = make_rng("sp", 2)
    families = {"act_family": "uniform", "wt_family": "uniform_full"}
    knobs = JobKnobs(mode=2, act_sparsity=share, wt_sparsity=share, m=64, n=64, k=200, **families)
    spec = gen_job(rng, knobs)
    a = aqs_gemm(spec.x, spec.w, spec.z, spec.r, spec.b, spec.sbr, spec.mode)
    assert abs(a.act_skip.mean() - share) < 0.1
    assert abs(a.wt_skip.mean() - share) < 0.1


@pytest.mark.parametrize("kind", ILLEGAL_KINDS)
def test_each_illegal_kind_predicts_its_error_code(kind):
    rng = make_rng(kind, 5)
    want = {
        "bad_dim_zero": "BAD_DIM",
        "bad_dim_big": "BAD_DIM",
        "bad_mode_skip": "BAD_MODE",
        "bad_mode_fmt": "BAD_MODE",
        "bad_lo_bits": "BAD_LO_BITS",
        "bad_out_lo_bits": "BAD_LO_BITS",
        "bad_r": "BAD_R",
        "bad_out_r": "BAD_R",
        "misaligned": "MISALIGNED",
        "bad_rq_mult": "BAD_RQ",
        "bad_rq_shift": "BAD_RQ",
        "bad_block": "BAD_BLOCK",
        "axi_rd_err": "AXI_RD_ERR",
        "axi_wr_err": "AXI_WR_ERR",
        "stream_corrupt": "STREAM_CORRUPT",
    }[kind]
    pred = Predictor()
    for _ in range(4):
        spec = gen_job(rng, JobKnobs(illegal=kind, max_m=20, max_n=20, max_k=30))
        exp = pred.predict(make_stimulus(spec, rng))
        assert exp.err == int(ERRORS[want]), (kind, exp.err)
        assert not exp.legal and exp.out is None


def test_legal_prediction_has_outputs_counters_and_cycles():
    rng = make_rng("legal", 9)
    pred = Predictor()
    spec = gen_job(rng, JobKnobs(max_m=20, max_n=20, max_k=30))
    exp = pred.predict(make_stimulus(spec, rng))
    assert exp.legal and exp.out.out.shape == (spec.m, spec.n)
    assert exp.counters["TILES"] == -(-spec.m // 8) * -(-spec.n // 8)
    assert exp.cycles.cycles > 0


@pytest.mark.parametrize("kind", sorted(DESCRIPTOR_CORNERS))
def test_every_descriptor_corner_predicts_its_error_code_in_every_format(kind):
    rng = make_rng("corners", 1)
    want = {
        "bad_dim_zero": "BAD_DIM", "bad_dim_big": "BAD_DIM", "bad_mode_skip": "BAD_MODE",
        "bad_mode_fmt": "BAD_MODE", "bad_lo_bits": "BAD_LO_BITS",
        "bad_out_lo_bits": "BAD_LO_BITS", "bad_r": "BAD_R", "bad_out_r": "BAD_R",
        "misaligned": "MISALIGNED", "bad_rq_mult": "BAD_RQ", "bad_rq_shift": "BAD_RQ",
        "bad_block": "BAD_BLOCK",
    }[kind]  # fmt: skip
    for corner in DESCRIPTOR_CORNERS[kind]:
        for fmt in (0, 1, 2):
            spec = gen_job(rng, JobKnobs(illegal=kind, dim_class="tiny", out_fmt=fmt))
            spec.corner = corner
            exp = Predictor().predict(make_stimulus(spec, rng))
            assert exp.err == int(ERRORS[want]), (kind, corner, fmt)
    # the top-bit corner of r: with bit 7 dropped it would be legal
    assert 0x80 in DESCRIPTOR_CORNERS["bad_r"] and 0x80 in DESCRIPTOR_CORNERS["bad_out_r"]


def test_high_placement_sets_the_top_byte_without_aliasing():
    rng = make_rng("high", 1)
    for _ in range(10):
        st = make_stimulus(gen_job(rng, JobKnobs(placement="high", max_k=40)), rng)
        lay = mi.region_layout(st.job)
        addrs = [a for a, size in lay.values() if size]
        assert all(a >> 24 for a in addrs) and any(a >> 24 == 0xFF for a in addrs)
        low = sorted((a % (1 << 24), a % (1 << 24) + size) for a, size in lay.values() if size)
        assert all(hi <= lo2 for (_, hi), (lo2, _) in zip(low, low[1:], strict=False))
        assert Predictor().predict(st).legal


@pytest.mark.parametrize("kind", ["axi_rd_err", "axi_wr_err"])
def test_late_error_window_lies_in_a_region_the_job_uses(kind):
    rng = make_rng("late", 1)
    for fmt in (0, 1, 2):
        spec = gen_job(rng, JobKnobs(illegal=kind, err_at="last", out_fmt=fmt, m=20, n=30, k=12))
        st = make_stimulus(spec, rng)
        ((lo, hi, _),) = st.err_windows
        names = ("act_lo", "wt_lo") if kind == "axi_rd_err" else ("out",)
        regions = [(a, a + len(d)) for n, (a, d) in st.image.regions.items() if n in names]
        assert any(a <= lo and hi <= mi.align8(b) for a, b in regions)
        assert lo % 8 == 0


def test_requant_and_weight_buffer_chain_specs_are_legal():
    rng = make_rng("rqwb", 1)
    specs = requant_corner_specs(rng)
    assert {s.shift for s in specs} >= set(RQ_CORNER_SHIFTS)
    for s in specs:
        exp = Predictor().predict(make_stimulus(s, rng))
        assert exp.legal and 0 < int(exp.out.out.astype(int).mean()) < 255 or s.mult == 2**31 - 1
    chain = wbuf_chain_specs(rng)
    groups = {-(-s.n // (8 * 4)) for s in chain}
    assert groups == {3, 4} and all(mi.wbuf_slots(s.k, s.sbr) in (1, 2) for s in chain)
    for s in chain:
        assert Predictor().predict(make_stimulus(s, rng)).legal


def _row_specs(seed, **kw):
    """One per-row job of each family in every skip mode and output format."""
    rng = make_rng("rowq", seed)
    for fam in ROW_ZR_FAMILIES:
        for mode in MODES:
            for fmt in FMTS:
                kn = JobKnobs(row_q=True, row_zr=fam, mode=mode, out_fmt=fmt, **kw)
                yield gen_job(rng, kn), rng


def test_per_row_jobs_pack_the_row_vector_and_predict_the_exact_gemm():
    """Every family x skip mode x format: the descriptor sets row_q with z = r = 0, the image
    holds {z_m, r_m} per row (m-blocks padded with zeros) at ROWQ_ADDR, and the prediction is
    the plain integer GEMM with each row's own zero point."""
    for spec, rng in _row_specs(1, max_m=20, max_n=12, max_k=24):
        assert spec.per_row and spec.z.shape == spec.r.shape == (spec.m,)
        st = make_stimulus(spec, rng)
        f = mi.decode_descriptor(st.regs)
        assert f["row_q"] == 1 and f["z"] == 0 and f["r"] == 0
        assert mi.descriptor_error(st.regs) == int(ERRORS.OK)
        addr, vec = st.image.regions["rowq"]
        assert addr == f["rowq_addr"] and len(vec) == 2 * V * -(-spec.m // V)
        zr = np.frombuffer(vec, np.uint8).reshape(-1, 2)
        assert np.array_equal(zr[: spec.m, 0], spec.z) and np.array_equal(zr[: spec.m, 1], spec.r)
        assert not zr[spec.m :].any()
        exp = Predictor().predict(st)
        y = (spec.x.astype(np.int64) - spec.z[:, None]) @ spec.w.astype(np.int64).T
        assert exp.legal and np.array_equal(exp.out.y, y), spec.describe()
        assert exp.counters and exp.cycles is not None


def test_per_row_families_reach_their_corners():
    rng = make_rng("rowq-corners", 2)
    kn = dict(row_q=True, m=16, max_n=8, max_k=16)
    for _ in range(4):
        c = gen_job(rng, JobKnobs(row_zr="corners", **kn))
        rmax = (1 << (8 - c.b)) - 1
        assert {0, 255} <= set(c.z[:V].tolist()) and {0, rmax} <= set(c.r[:V].tolist())
        d = gen_job(rng, JobKnobs(row_zr="differing", **kn))
        assert all(len(set(d.z[j : j + V].tolist())) == V for j in range(0, 16, V))
        s = gen_job(rng, JobKnobs(row_zr="block_shared", **kn))
        assert all(len(set(s.z[j : j + V].tolist())) == 1 for j in range(0, 16, V))
        assert all(len(set(s.r[j : j + V].tolist())) == 1 for j in range(0, 16, V))
        cal = gen_job(rng, JobKnobs(row_zr="calibrated", **kn))
        assert len(set(cal.z.tolist())) > 1  # per-token ranges differ
        assert np.all(cal.r <= (1 << (8 - cal.b)) - 1)
    with pytest.raises(ValueError, match="row_zr must be one of"):
        gen_job(rng, JobKnobs(row_q=True, row_zr="nope"))


def test_row_q_share_draws_per_row_jobs_and_defaults_keep_the_random_stream():
    assert not any(gen_job(make_rng("share", s)).per_row for s in range(20))
    assert all(gen_job(make_rng("share", s), JobKnobs(row_q_share=1.0)).per_row for s in range(5))
    mixed = [gen_job(make_rng("share", s), JobKnobs(row_q_share=0.5)).per_row for s in range(30)]
    assert 0 < sum(mixed) < 30
    # a share of 0 draws nothing: the same seed gives the same job as before the knob existed
    _same(gen_job(make_rng("share", 3)), gen_job(make_rng("share", 3), JobKnobs(row_q_share=0.0)))


def test_per_row_sparsity_forces_each_rows_own_r_bin():
    rng = make_rng("rowq-sparse", 1)
    kn = JobKnobs(
        row_q=True, row_zr="differing", mode=MODES[2], act_sparsity=1.0, max_m=20, max_k=20
    )
    spec = gen_job(rng, kn)
    a = aqs_gemm(spec.x, spec.w, spec.z, spec.r, spec.b, spec.sbr, spec.mode)
    assert a.act_skip.all()


@pytest.mark.parametrize("corner", ROWQ_CORNERS)
def test_misaligned_row_vector_sets_row_q_and_predicts_misaligned(corner):
    rng = make_rng("rowq-misaligned", corner[1])
    for row_q in (False, True):  # the row_q bit comes with the corner
        spec = gen_job(rng, JobKnobs(row_q=row_q, illegal="misaligned", dim_class="tiny"))
        spec.corner = corner
        st = make_stimulus(spec, rng)
        f = mi.decode_descriptor(st.regs)
        assert f["row_q"] == 1 and f["rowq_addr"] % 8 == corner[1]
        assert Predictor().predict(st).err == int(ERRORS.MISALIGNED)


def test_read_error_on_the_row_vector():
    rng = make_rng("rowq-rd-err", 1)
    spec = gen_job(rng, JobKnobs(row_q=True, illegal="axi_rd_err", err_at="rowq", max_m=20))
    st = make_stimulus(spec, rng)
    a, vec = st.image.regions["rowq"]
    assert st.err_windows == [(a, a + BUS_BYTES, "rd")] and len(vec) >= BUS_BYTES
    assert Predictor().predict(st).err == int(ERRORS.AXI_RD_ERR)
    bad = gen_job(rng, JobKnobs(illegal="axi_rd_err", err_at="rowq"))
    with pytest.raises(ValueError, match="err_at 'rowq' needs a per-row job"):
        make_stimulus(bad, rng)
