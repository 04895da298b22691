"""The AXI memory model under stalls and SLVERR, with a handshake checker on ``m_axi_*``.

A fixed, seeded list of small jobs (``tb_top_e2e.random_job``) runs on ``pnc_top`` through the
job BFM on the memory agent's ``MonitoredAxiRam`` (``PNC_AXI_MODEL`` picks the model) with one
stall profile per job -- none, cyclic, random, heavy on all five channels, mixed, and each
channel alone under heavy stalls -- and two SLVERR jobs (a read window on the first activation
beat under random stalls, a write window on the first output beat under cyclic stalls), each
followed by a legal job. Each job is checked with the testbench's one comparison (``compare``
with ``stalls``: no hang, STATUS and ERR_CODE, for legal jobs bit-exact outputs, exact
counters, CYCLES not below the operator bound, AXI bytes per region; AXI_RD_ERR / AXI_WR_ERR
for the SLVERR jobs). Each job logs one ``case`` line (stall profile, CYCLES, counters) that
``verif/tests/test_axi_model.py`` compares across runs and simulators: the same seed must give
the same stalls, cycles and counters everywhere.

The checker samples every rising edge: once a VALID is high without its READY, the VALID must
stay high and the payload unchanged until the handshake, on all five channels (the DUT's AR, AW
and W, the model's R and B). The first violations are logged and fail the test.

Environment: PNC_STALL_JOBS (run only the first n cases), COCOTB_RANDOM_SEED (stimulus seed).
"""

from __future__ import annotations

import os

import cocotb
from cocotb.triggers import RisingEdge
from panacea.config import ERRORS
from panacea.memimage import BUS_BYTES, pack_job

from verif.agents.job import start_top
from verif.agents.mem import STALL_CHANNELS, stall_profile
from verif.common.seeding import make_rng, test_seed
from verif.env.predictor import expect
from verif.env.scoreboard import compare
from verif.tests.top.tb_top_e2e import random_job

# (stall name for stall_profile, SLVERR kind or None)
CASES = (
    [("none", None), ("cyclic", None), ("random", None), ("heavy", None), ("mixed", None)]
    + [(f"only_{ch}_heavy", None) for ch in STALL_CHANNELS]
    + [("random", "rd"), ("none", None), ("cyclic", "wr"), ("mixed", None)]
)
HANDSHAKES = {  # channel: (valid, ready, payload)
    "ar": ("arvalid", "arready", ("araddr", "arlen", "arsize", "arburst", "arid")),
    "aw": ("awvalid", "awready", ("awaddr", "awlen", "awsize", "awburst", "awid")),
    "w": ("wvalid", "wready", ("wdata", "wstrb", "wlast")),
    "r": ("rvalid", "rready", ("rdata", "rid", "rlast", "rresp")),
    "b": ("bvalid", "bready", ("bid", "bresp")),
}


async def check_handshakes(dut, errors: list[str], prefix: str = "m_axi") -> None:
    """Every rising edge: a VALID seen high without READY must stay high with the same payload
    at the next edge (reset clears the obligation)."""
    chans = [
        (
            ch,
            getattr(dut, f"{prefix}_{v}"),
            getattr(dut, f"{prefix}_{r}"),
            [getattr(dut, f"{prefix}_{p}") for p in pl],
        )
        for ch, (v, r, pl) in HANDSHAKES.items()
    ]
    waiting: dict[str, tuple | None] = {ch: None for ch in HANDSHAKES}
    edge = RisingEdge(dut.clk_i)
    cycle = 0
    while True:
        await edge
        cycle += 1
        if str(dut.rst_ni.value) != "1":
            waiting = dict.fromkeys(waiting)
            continue
        for ch, valid, ready, payload in chans:
            v = str(valid.value) == "1"
            prev = waiting[ch]
            now = tuple(str(h.value) for h in payload) if v else None
            if prev is not None and len(errors) < 20:
                if not v:
                    errors.append(f"cycle {cycle}: {ch.upper()}VALID withdrawn before READY")
                elif now != prev:
                    errors.append(
                        f"cycle {cycle}: {ch.upper()} payload changed while waiting "
                        f"for READY: {prev} -> {now}"
                    )
            waiting[ch] = now if v and str(ready.value) != "1" else None


@cocotb.test()
async def stalls_and_errors(dut):
    """Stall profiles on every channel and SLVERR windows; handshake rules hold throughout."""
    rng = make_rng("axi_stalls", test_seed())
    n_cases = int(os.environ.get("PNC_STALL_JOBS", len(CASES)))
    errors: list[str] = []
    cocotb.start_soon(check_handshakes(dut, errors))
    bfm = await start_top(dut)
    for i, (stall, err) in enumerate(CASES[:n_cases]):
        job = random_job(rng, max_dim=12)
        regs = pack_job(job).regs
        a = regs["ACT_LO_ADDR"] if err == "rd" else regs["OUT_ADDR"]
        windows = [(a, a + BUS_BYTES, err)] if err else []
        profile = stall_profile(stall, rng)
        obs = await bfm.run(job, err_windows=windows, stalls=profile, rng=rng)
        dut._log.info(
            "case %d: stall=%s err=%s status=%#x err_code=%d %s bursts=%d",
            i,
            stall,
            err,
            obs.status,
            obs.err_code,
            " ".join(f"{k}={v}" for k, v in obs.counters.items()),
            len(obs.bursts),
        )
        assert not obs.timed_out, f"case {i} ({stall}, err={err}): no irq_o in time"
        exp = expect(job, err_windows=windows)
        if err:
            want = int(ERRORS.AXI_RD_ERR if err == "rd" else ERRORS.AXI_WR_ERR)
            assert exp.err == want, f"case {i}: the model predicts {exp.err}, not SLVERR {err}"
        mismatches, _ = compare(exp, obs, stalls=True)
        assert not mismatches, f"case {i} ({stall}, err={err}): " + "; ".join(map(str, mismatches))
    for e in errors:
        dut._log.error("handshake: %s", e)
    assert not errors, f"{len(errors)} AXI handshake violations, first: {errors[0]}"
