"""Unit tests (no simulator): coverage sampling, reset, export/merge, testplan consistency."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from cocotb_coverage.coverage import coverage_db

from verif.common.seeding import make_rng
from verif.env import coverage as cov
from verif.env.predictor import Predictor
from verif.seq_lib.job_gen import JobKnobs, gen_job, wbuf_mode_specs
from verif.seq_lib.stimulus import make_stimulus

ROOT = Path(__file__).resolve().parents[2]


def _sample(n=10, seed=1, **kw):
    rng = make_rng("cov", seed)
    pred = Predictor()
    for _ in range(n):
        spec = gen_job(rng, JobKnobs(max_m=20, max_n=20, max_k=40, **kw))
        cov.sample_job(spec, pred.predict(make_stimulus(spec, rng)))


def test_sampling_hits_bins_and_reset_clears_them():
    cov.reset_coverage()
    assert cov.percent() == 0.0
    _sample()
    assert cov.percent() > 20
    assert coverage_db["pnc.config.b_x_sbr_x_mode"].coverage > 0
    cov.reset_coverage()
    assert cov.percent() == 0.0
    assert all(v == 0 for v in coverage_db["pnc.slices.act_residual"].detailed_coverage.values())


def test_run_classes_of_directed_streams():
    import numpy as np

    rm = cov.RUN_MAX
    live = np.zeros(rm + 3, bool)
    skip = np.ones(rm + 3, bool)
    live[[0, 1, 3]] = True
    skip[[0, 1, 3]] = False
    assert cov.run_classes(live, skip) == {"run_0", "run_1", "trailing_skip"}
    live[:] = False
    assert cov.run_classes(live, skip) == {"empty_stream"}
    live[[rm, rm + 2]] = True  # position rm is a filler (skippable but recorded)
    skip[rm + 2] = False
    assert {"run_max", "gap_longer_than_field", "run_1"} <= cov.run_classes(live, skip)


def test_export_and_merge_across_seeds(tmp_path):
    files = []
    for seed in (1, 2):
        cov.reset_coverage()
        _sample(n=4, seed=seed)
        files.append(str(cov.export(tmp_path, f"s{seed}")[1]))
    merged = cov.merge(str(tmp_path / "merged.xml"), files)
    assert merged >= 0 and (tmp_path / "merged.xml").exists()


def test_testplan_names_existing_tests_and_covergroups():
    plan = tomllib.loads((ROOT / "verif" / "testplan.toml").read_text())
    tb = ast.parse((ROOT / "verif" / "tests" / "uvm" / "tb_pnc_uvm.py").read_text())
    tests = {n.name for n in tb.body if isinstance(n, ast.ClassDef)}
    groups = set(cov.COVERGROUPS)
    assert plan["testpoint"], "testplan has no testpoints"
    for tp in plan["testpoint"]:
        for t in tp["tests"]:
            assert t in tests, f"testpoint {tp['name']}: no test {t}"
        for g in tp.get("covergroups", []):
            assert g in groups, f"testpoint {tp['name']}: no covergroup {g}"
    covered = {t for tp in plan["testpoint"] for t in tp["tests"]}
    assert tests - {"PncBaseTest"} <= covered, f"tests not in the testplan: {tests - covered}"


def test_wbuf_mode_specs_hit_every_weight_buffer_bin():
    """WeightBufferSlotModes' jobs land in all six (slots, n-groups) bins, random jobs in none
    beyond the two-slot ones."""
    cov.reset_coverage()
    _sample(n=6)
    random_hits = {b for b, c in coverage_db["pnc.dims.wbuf"].detailed_coverage.items() if c}
    assert random_hits and all(b[0] == 2 for b in random_hits)
    cov.reset_coverage()
    for spec in wbuf_mode_specs(make_rng("cov", 3)):
        cov.sample_job(spec)
    assert coverage_db["pnc.dims.wbuf"].coverage == len(cov.WBUF_BINS)
    cov.reset_coverage()


def test_hole_conditions_have_their_own_bins():
    from panacea.config import ERRORS

    from verif.seq_lib.job_gen import requant_corner_specs, wbuf_chain_specs

    cov.reset_coverage()
    rng = make_rng("holes", 1)
    pred = Predictor()
    for spec in requant_corner_specs(rng) + wbuf_chain_specs(rng):
        cov.sample_job(spec, pred.predict(make_stimulus(spec, rng)))
    assert coverage_db["pnc.post.rq_corner"].coverage == len(cov.RQ_SHIFT_BINS) * 2
    assert coverage_db["pnc.dims.wbuf_chain"].coverage == 4
    spec = gen_job(rng, JobKnobs(placement="high", max_m=9, max_n=9, max_k=9))
    cov.sample_job(spec, pred.predict(make_stimulus(spec, rng)))
    assert coverage_db["pnc.axi.high_addr"].coverage == 1
    cov.sample_error(int(ERRORS.BAD_RQ), 0)  # no such case: not a bin
    cov.sample_error(int(ERRORS.AXI_RD_ERR), 2, wrote=True)
    assert coverage_db["pnc.errors.code_x_fmt"].coverage == 1
    assert coverage_db["pnc.errors.rd_err_after_writes"].coverage == 1
    for n in (1, 40, 130):
        cov.sample_job_run(n)
    assert coverage_db["pnc.config.jobs_since_reset"].coverage == 3
    cov.reset_coverage()


def test_per_row_jobs_hit_the_rowq_bins_and_per_job_jobs_only_row_q_false():
    cov.reset_coverage()
    _sample(n=6)
    cross = coverage_db["pnc.rowq.row_q_x_mode_x_fmt"].detailed_coverage
    assert any(c for b, c in cross.items() if not b[0])
    assert not any(c for b, c in cross.items() if b[0])
    assert coverage_db["pnc.rowq.z_m"].coverage == 0
    cov.reset_coverage()
    from verif.seq_lib.job_gen import ROW_ZR_FAMILIES

    for i, fam in enumerate(ROW_ZR_FAMILIES * 3):
        _sample(n=1, seed=i, row_q=True, row_zr=fam, mode=i % 3, out_fmt=(i // 3) % 3)
    want = {(True, m, f) for m in (0, 1, 2) for f in (0, 1, 2)}
    assert {b for b, c in cross.items() if c and b[0]} == want
    hits = {b[1] for b, c in coverage_db["pnc.rowq.z_m"].detailed_coverage.items() if c}
    assert {"zero", "255"} <= hits
    hits = {b[1] for b, c in coverage_db["pnc.rowq.r_m"].detailed_coverage.items() if c}
    assert {"zero", "max"} <= hits
    assert coverage_db["pnc.rowq.block_z"].coverage == 2
    assert coverage_db["pnc.rowq.family"].coverage == len(ROW_ZR_FAMILIES)
    cov.reset_coverage()


def test_z_and_r_classes():
    import numpy as np

    assert cov.z_classes(np.array([0, 255, 8, 16, 31, 9]), 4) == set(cov.Z_CLASSES)
    assert cov.z_classes(24, 4) == {"bin_centre"}
    assert cov.r_classes(np.array([0, 15]), 4) == {"zero", "max"}
    assert cov.block_z_classes(np.array([3] * 8 + [1, 2])) == {"shared", "differing"}
    assert cov.block_z_classes(np.array([3] * 8 + [4])) == {"shared"}  # one-row block: neither


def test_row_vector_errors_have_their_bins():
    from verif.seq_lib.stimulus import ROWQ_CORNERS

    cov.reset_coverage()
    rng = make_rng("rowq-err", 1)
    spec = gen_job(rng, JobKnobs(illegal="misaligned", dim_class="tiny"))
    spec.corner = ("out", 4)  # another region: not the row vector's bin
    cov.sample_job(spec, Predictor().predict(make_stimulus(spec, rng)))
    assert coverage_db["pnc.rowq.error"].coverage == 0
    spec.corner = ROWQ_CORNERS[0]
    cov.sample_job(spec, Predictor().predict(make_stimulus(spec, rng)))
    kn = JobKnobs(row_q=True, illegal="axi_rd_err", err_at="rowq", max_m=20)
    spec = gen_job(rng, kn)
    cov.sample_job(spec, Predictor().predict(make_stimulus(spec, rng)))
    assert coverage_db["pnc.rowq.error"].coverage == 2
    cov.reset_coverage()
