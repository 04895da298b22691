"""The fast AXI memory model (verif/agents/mem/fast_axi_ram.py) against cocotbext-axi's AxiRam,
and under stalls and SLVERR on both simulators.

* Same jobs, both models (``PNC_AXI_MODEL``), no stalls: per job STATUS, ERR_CODE, all eleven
  counters (CYCLES included), the output bytes and the wall cycles are identical, through the
  panacea-run bench (``verif.tests.top.job_runner.simulate``, both simulators) and through the
  pyuvm env (the per-job lines of the SLVERR/corrupt-stream and reset tests, Verilator).
* ``tb_axi_stalls`` (every stall profile, each channel alone, SLVERR windows, a handshake
  checker on all five channels) passes on both simulators and gives the same per-job cycles and
  counters on Icarus, on Verilator and on a second Verilator run: a seed reproduces its stalls.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from panacea.memimage import Job

from verif.common.runner import all_rtl, run_cocotb
from verif.tests.top.job_runner import simulate
from verif.tests.top.tb_top_e2e import random_job

COMPARED = ("status", "err_code", "counters", "regions", "dut_cycles", "timed_out")


def jobs_for(sim: str) -> list[Job]:
    rng = np.random.default_rng(2024)
    if sim == "icarus":  # ~100 DUT cycles/s: a few tiny jobs
        return [random_job(rng, mode, max_dim=10) for mode in ("dense", "zero_skip", "aqs")]
    jobs = [random_job(rng, max_dim=40) for _ in range(12)]
    x = np.clip(rng.normal(104, 3, (64, 128)).round(), 0, 255).astype(np.uint8)
    w = rng.integers(-127, 128, (48, 128)).astype(np.int8)
    big = Job(x=x, w=w, z=104, r=104 >> 4, b=4, out_fmt="int32")
    return jobs + [big.with_mode(m) for m in ("dense", "zero_skip", "aqs")]


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_fast_model_cycle_identical_to_axiram(sim: str, monkeypatch) -> None:
    jobs = jobs_for(sim)
    recs = {}
    for model in ("cocotbext", "fast"):
        monkeypatch.setenv("PNC_AXI_MODEL", model)
        recs[model] = simulate(jobs, sim, tag=f"axi-{model}")
    for i, (ref, new) in enumerate(zip(recs["cocotbext"], recs["fast"], strict=True)):
        assert not ref.timed_out, f"job {i} hung with cocotbext-axi's AxiRam"
        diff = {
            k: (getattr(ref, k), getattr(new, k))
            for k in COMPARED
            if getattr(ref, k) != getattr(new, k)
        }
        diff.pop("regions", None) if "regions" not in diff else diff.update(regions="differ")
        assert not diff, f"{sim} job {i}: (AxiRam, fast) {diff}"


def job_lines(sim: str, test: str, model: str, monkeypatch) -> list[str]:
    monkeypatch.setenv("PNC_AXI_MODEL", model)
    res = run_cocotb(sim, "pnc_top", all_rtl(), "verif.tests.uvm.tb_pnc_uvm", testcase=test, seed=5)
    return re.findall(r"(job \d+: stalls=\S+ .*)", (res.parent / "sim.log").read_text())


@pytest.mark.parametrize(
    "test", ["AxiErrorsAndCorruptStreamsThenLegalJob", "ResetDuringJobThenLegalJob"]
)
def test_fast_model_cycle_identical_in_pyuvm_env(test: str, monkeypatch) -> None:
    ref = job_lines("verilator", test, "cocotbext", monkeypatch)
    new = job_lines("verilator", test, "fast", monkeypatch)
    assert len(ref) == len(new) and ref, (len(ref), len(new))
    plain = [(a, b) for a, b in zip(ref, new, strict=True) if "stalls=none" in a]
    assert plain, "no job without stalls to compare"
    for a, b in plain:
        assert a == b, f"AxiRam: {a}\nfast:   {b}"


def case_lines(sim: str) -> list[str]:
    res = run_cocotb(
        sim,
        "pnc_top",
        all_rtl(),
        "verif.tests.top.tb_axi_stalls",
        testcase="stalls_and_errors",
        seed=3,
    )
    return re.findall(r"(case \d+: .*)", (res.parent / "sim.log").read_text())


def test_stalls_and_slverr_reproduce_on_both_simulators(monkeypatch) -> None:
    monkeypatch.setenv("PNC_AXI_MODEL", "fast")
    ver = case_lines("verilator")
    assert len(ver) >= 10
    assert case_lines("verilator") == ver, "same seed, different stalls on a second run"
    assert case_lines("icarus") == ver, "Icarus and Verilator disagree for the same seed"
