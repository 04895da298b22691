"""The AXI data width as a build parameter: the width-sensitive unit benches and a few top-level
jobs at 128 and 256 bits (arch.toml ``[config.wide]``, ``[config.wide256]``) on both simulators.

Every test selects its configuration through ``$PANACEA_CONFIG``, so the runner compiles that
configuration's package (one build per simulator, top level and configuration, shared by the
tests of it) and the simulator's Python (model, stimulus, memory model) sees the same width.
Unit benches run at both widths; the top level runs every output format with and without bias
(``e2e_random_jobs``), per-row jobs, the weight-buffer modes and an AXI-stall run at 128 bits.
The 256-bit top level is a second full build per simulator: it runs with ``PNC_WIDE_ALL=1``
(and in ``make nightly``, whose ``NIGHTLY_CONFIGS`` include ``wide`` and ``wide256``).
"""

from __future__ import annotations

import os

import pytest

from verif.common.runner import all_rtl, run_cocotb

SIMS = ["icarus", "verilator"]
SEED = int(os.environ.get("PNC_SEED", "1"))
CONFIGS = ["wide", "wide256"]
WIDE_ALL = bool(os.environ.get("PNC_WIDE_ALL"))

# (id, top level, RTL files, cocotb module, parameters): every bench whose block takes
# AXI_DATA_W from the package (or its DW default).
UNIT = [
    ("axi_rd", "pnc_axi_rd", ["pnc_fifo", "pnc_burst_split", "pnc_axi_rd"], "tb_pnc_axi_rd",
     {"NS": 3}),
    ("axi_wr", "pnc_axi_wr", ["pnc_fifo", "pnc_burst_split", "pnc_axi_wr"], "tb_pnc_axi_wr", {}),
    ("wbuf", "pnc_wbuf", ["pnc_fifo", "pnc_ram_1r1w", "pnc_stream_bank", "pnc_wbuf"], "tb_pnc_wbuf",
     {"WbufBytes": 1024}),
    ("abuf", "pnc_abuf", ["pnc_fifo", "pnc_ram_1r1w", "pnc_stream_bank", "pnc_abuf"], "tb_pnc_abuf",
     {"AbufBytes": 2048}),
    ("unpack", "pnc_unpack", ["pnc_unpack"], "tb_pnc_unpack", {}),
    ("rle_dec", "pnc_rle_dec", ["pnc_unpack", "pnc_rle_dec"], "tb_pnc_rle_dec", {}),
    ("desc_check", "pnc_desc_check", ["pnc_desc_check"], "tb_pnc_desc_check", {}),
    ("regs", "pnc_regs", ["pnc_regs"], "tb_pnc_regs", {}),
]  # fmt: skip

# (module, testcase, environment) of the top-level runs.
TOP = [
    ("tb_top_e2e", "e2e_random_jobs", {"PNC_E2E_JOBS": "9"}),
    ("tb_top_e2e", "e2e_per_row_jobs", {}),
    ("tb_top_e2e", "e2e_wbuf_fill_replay", {}),
    ("tb_top_e2e", "e2e_illegal_descriptor", {}),
    ("tb_axi_stalls", "stalls_and_errors", {"PNC_STALL_JOBS": "4", "PNC_AXI_MODEL": "fast"}),
]


@pytest.mark.parametrize("sim", SIMS)
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("top,rtl,tb,params", [u[1:] for u in UNIT], ids=[u[0] for u in UNIT])
def test_unit_at_width(sim, config, top, rtl, tb, params, monkeypatch) -> None:
    monkeypatch.setenv("PANACEA_CONFIG", config)
    run_cocotb(sim, top, rtl, f"verif.tests.unit.{tb}", seed=SEED, parameters=params)


@pytest.mark.parametrize("sim", SIMS)
@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("module,testcase,env", TOP, ids=[t[1] for t in TOP])
def test_top_at_width(sim, config, module, testcase, env, monkeypatch) -> None:
    if config == "wide256" and not WIDE_ALL:
        pytest.skip("256-bit top level: PNC_WIDE_ALL=1 or make nightly")
    if sim == "icarus" and testcase != "e2e_random_jobs" and not WIDE_ALL:
        pytest.skip("Icarus runs the random jobs only in make test; PNC_WIDE_ALL=1 runs all")
    monkeypatch.setenv("PANACEA_CONFIG", config)
    jobs = dict(env)
    if sim == "icarus" and "PNC_E2E_JOBS" in jobs:
        jobs["PNC_E2E_JOBS"] = "3"  # one job per output format (Icarus is ~50x slower)
    run_cocotb(
        sim,
        "pnc_top",
        all_rtl(),
        f"verif.tests.top.{module}",
        testcase=testcase,
        seed=SEED,
        extra_env=jobs,
    )
