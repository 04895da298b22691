"""Unit tests (no simulator): the scoreboard against fake DUT results built from predictions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from panacea import memimage as mi
from panacea.config import ERRORS

from verif.agents.job import Observed
from verif.agents.mem import Burst
from verif.common.seeding import make_rng
from verif.env.predictor import Predictor
from verif.env.scoreboard import ScoreboardCore, compare
from verif.seq_lib.job_gen import JobKnobs, gen_job
from verif.seq_lib.stimulus import make_stimulus


def _perfect(exp) -> Observed:
    """What a bug-free DUT would report (status done, counters, output bytes)."""
    if not exp.legal:
        return Observed(idx=exp.idx, status=0b110, err_code=exp.err)
    return Observed(
        idx=exp.idx,
        status=0b010,
        err_code=0,
        counters=dict(exp.counters),
        cycles=exp.cycles.cycles,
        regions=dict(exp.out.regions),
    )


def _job(fmt, seed=1, **kw):
    rng = make_rng("sb", seed)
    spec = gen_job(rng, JobKnobs(out_fmt=fmt, max_m=20, max_n=20, max_k=30, **kw))
    return Predictor().predict(make_stimulus(spec, rng))


@pytest.mark.parametrize("fmt", [0, 1, 2])
def test_perfect_dut_passes(fmt):
    exp = _job(fmt)
    mm, n = compare(exp, _perfect(exp))
    assert mm == [] and n == exp.spec.m * exp.spec.n


@pytest.mark.parametrize("fmt", [0, 1])
def test_flipped_element_is_reported_with_tile_row_col_and_breakdown(fmt):
    exp = _job(fmt, seed=3)
    obs = _perfect(exp)
    buf = bytearray(obs.regions["out"])
    buf[0] ^= 0x4
    obs.regions["out"] = bytes(buf)
    mm, _ = compare(exp, obs)
    el = [m for m in mm if m.what == "element"]
    assert len(el) == 1
    assert "row 0 col 0" in el[0].detail and "HH=" in el[0].detail and "COMP=" in el[0].detail
    assert any(m.what == "bytes" for m in mm)


def test_padding_bytes_written_wrongly_are_caught():
    exp = _job(1, seed=4, n=5)  # N=5: columns 5..7 are padding
    obs = _perfect(exp)
    buf = bytearray(obs.regions["out"])
    buf[6] ^= 1
    obs.regions["out"] = bytes(buf)
    mm, _ = compare(exp, obs)
    assert [m.what for m in mm] == ["bytes"]


def test_counter_cycles_hang_status_and_error_code_mismatches():
    exp = _job(0, seed=5)
    obs = _perfect(exp)
    obs.counters["DWO_BUSY"] += 1
    obs.cycles = int(exp.cycles.cycles * 3)
    mm, _ = compare(exp, obs)
    assert {m.what for m in mm} == {"counter", "cycles"}
    mm, _ = compare(exp, dataclasses.replace(_perfect(exp), timed_out=True))
    assert [m.what for m in mm] == ["hang"]
    mm, _ = compare(exp, dataclasses.replace(_perfect(exp), status=0b110, err_code=7))
    assert {m.what for m in mm} == {"status", "err_code"}


def test_stalled_jobs_skip_the_cycle_tolerance_but_not_the_lower_limit():
    exp = _job(0, seed=6)
    obs = _perfect(exp)
    obs.cycles = exp.cycles.cycles * 10
    assert compare(exp, obs, stalls=True)[0] == []
    obs.cycles = 1
    assert [m.what for m in compare(exp, obs, stalls=True)[0]] == ["cycles"]


def test_error_job_checks_code_only():
    rng = make_rng("err", 1)
    spec = gen_job(rng, JobKnobs(illegal="misaligned", max_k=20))
    exp = Predictor().predict(make_stimulus(spec, rng))
    assert compare(exp, _perfect(exp))[0] == []
    bad = _perfect(exp)
    bad.err_code = int(ERRORS.OK)
    assert {m.what for m in compare(exp, bad)[0]} == {"err_code"}


def test_axi_traffic_checks():
    exp = _job(0, seed=7)
    obs = _perfect(exp)
    lay = mi.region_layout(exp.job)
    a_in, _ = lay["act_lo"]
    obs.bursts = [Burst("wr", a_in, 1, 8, 0, nbytes=8), Burst("rd", 0x10, 1, 8, 0, nbytes=8)]
    mm, _ = compare(exp, obs)
    txt = " ".join(m.detail for m in mm if m.what == "axi")
    assert "outside every region" in txt and "into input region act_lo" in txt


def test_corrupted_prediction_is_caught_and_unchecked_items_fail():
    rng = make_rng("corrupt", 2)
    for fmt in (0, 1, 2):
        pred = Predictor(corrupt_first=True)
        spec = gen_job(rng, JobKnobs(out_fmt=fmt, max_m=20, max_n=20, max_k=30))
        exp = pred.predict(make_stimulus(spec, rng))
        assert exp.corrupted
        # the "DUT" is the true model: output regions of the uncorrupted prediction
        true = mi.expected_output(exp.job)
        obs = _perfect(exp)
        obs.regions = dict(true.regions)
        sb = ScoreboardCore()
        sb.add_expected(exp)
        assert any(m.what == "element" for m in sb.add_observed(obs))
    sb = ScoreboardCore()
    exp = _job(0, seed=8)
    sb.add_expected(exp)
    assert sb.final_problems() == [f"job {exp.idx}: predicted but never observed"]


def test_undecodable_rle_output_is_a_mismatch_not_a_crash():
    exp = _job(2, seed=9)
    obs = _perfect(exp)
    obs.regions["out_ho"] = b"\xff" * len(obs.regions["out_ho"])
    mm, _ = compare(exp, obs)
    assert any(m.what == "output" for m in mm)


def test_breakdown_sums_to_model_y():
    exp = _job(0, seed=10)
    obs = _perfect(exp)
    raw = np.frombuffer(obs.regions["out"], "<i4").copy()
    raw[0] += 1
    obs.regions["out"] = raw.tobytes()
    mm, _ = compare(exp, obs)
    assert f"Y={int(exp.out.y[0, 0])}" in [m for m in mm if m.what == "element"][0].detail


def test_observed_json_round_trip_and_view_differences():
    """What tb_run_layer ships as JSON comes back equal; two views of a job that disagree on a
    counter, a region or a burst are reported (the scoreboard's monitor cross-check)."""
    obs = _perfect(_job(2))
    obs.bursts = [Burst("rd", 0x1000, 2, 8, 1, nbytes=16)]
    back = Observed.from_json(obs.to_json())
    assert back == obs and back.differences(obs) == []
    other = Observed.from_json(obs.to_json())
    other.counters["TILES"] += 1
    other.bursts[0].nbytes = 8
    other.regions["out"] = other.regions["out"][:-1] + b"\xff"
    diffs = obs.differences(other)
    assert [d.split(":")[0] for d in diffs] == ["counters", "regions", "bursts"]


def test_stall_counter_above_cycles_is_reported():
    exp = _job(0, seed=5)
    obs = _perfect(exp)
    obs.counters["STALL_OUT"] = obs.cycles + 1
    mm, _ = compare(exp, obs)
    assert [m.what for m in mm] == ["counter"] and "STALL_OUT" in mm[0].detail
    obs.counters["STALL_OUT"] = obs.cycles
    assert compare(exp, obs)[0] == []


def test_unaligned_burst_is_reported_for_error_jobs_too():
    exp = _job(1, seed=6, illegal="axi_wr_err")
    obs = _perfect(exp)
    a = mi.region_layout(exp.job)["out"][0]
    obs.bursts = [Burst("wr", a, 1, 8, 0, 8), Burst("wr", a + 4, 1, 8, 0, 8)]
    mm, _ = compare(exp, obs)
    assert [m.what for m in mm] == ["axi"] and "not aligned" in mm[0].detail


@pytest.mark.parametrize("fmt", [0, 1, 2])
def test_per_row_job_perfect_dut_passes_and_a_flip_names_the_rows_z_and_r(fmt):
    exp = _job(fmt, seed=11, row_q=True, row_zr="differing", m=12)
    assert exp.job.per_row and exp.legal
    mm, n = compare(exp, _perfect(exp))
    assert mm == [] and n == exp.spec.m * exp.spec.n
    if fmt == 2:
        return
    obs = _perfect(exp)
    row = 9  # second m-block
    off = row * mi.align8(exp.job.N) * (4 if fmt == 0 else 1)
    buf = bytearray(obs.regions["out"])
    buf[off] ^= 0x2
    obs.regions["out"] = bytes(buf)
    el = [m for m in compare(exp, obs)[0] if m.what == "element"]
    assert len(el) == 1 and "tile (mb=1, nb=0) row 9 col 0" in el[0].detail
    r_eff = int(exp.spec.r[row]) if exp.spec.mode == 2 else 0
    assert f"row r_eff={r_eff}, z={int(exp.spec.z[row])}," in el[0].detail


def test_row_vector_reads_count_as_activation_traffic():
    exp = _job(0, seed=12, row_q=True)
    obs = _perfect(exp)
    a, size = mi.region_layout(exp.job)["rowq"]
    obs.bursts = [Burst("rd", a, size // 8, 8, 0, nbytes=size)]
    txt = " ".join(m.detail for m in compare(exp, obs)[0] if m.what == "axi")
    assert "outside every region" not in txt
    assert f"act streams: {size} bytes read" in txt
