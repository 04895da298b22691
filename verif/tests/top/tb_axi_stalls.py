"""The AXI memory model under stalls and SLVERR, with a handshake checker on ``m_axi_*``.

A fixed, seeded list of small jobs (``tb_top_e2e.random_job``) runs on ``pnc_top`` through the
memory agent's ``MonitoredAxiRam`` (``PNC_AXI_MODEL`` picks the model) with one stall profile per
job -- none, cyclic, random, heavy on all five channels, mixed, and each channel alone under
heavy stalls -- and two SLVERR jobs (a read window on the first activation beat under random
stalls, a write window on the first output beat under cyclic stalls), each followed by a legal
job. Checks per job: ERR_CODE 0 and bit-exact output regions with exact counters for legal jobs,
AXI_RD_ERR / AXI_WR_ERR (and no hang) for the SLVERR jobs. Each job logs one ``case`` line
(stall profile, CYCLES, counters) that ``verif/tests/test_axi_model.py`` compares across runs
and simulators: the same seed must give the same stalls, cycles and counters everywhere.

The checker samples every rising edge: once a VALID is high without its READY, the VALID must
stay high and the payload unchanged until the handshake, on all five channels (the DUT's AR, AW
and W, the model's R and B). The first violations are logged and fail the test.

Environment: PNC_STALL_JOBS (run only the first n cases), COCOTB_RANDOM_SEED (stimulus seed).
"""
from __future__ import annotations

import os

import cocotb
from cocotb.triggers import First, RisingEdge, Timer
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from panacea.config import ERRORS, REGS
from panacea.cycles import mode_cycles
from panacea.memimage import expected_counters, expected_output, pack_job

from verif.agents.mem import STALL_CHANNELS, MonitoredAxiRam, stall_profile
from verif.common.clock_reset import CLK_PERIOD_NS, reset_dut, start_clock
from verif.common.seeding import make_rng, test_seed
from verif.tests.top.tb_top_e2e import EXACT_COUNTERS, random_job

BUS_BYTES = 8
# (stall name for stall_profile, SLVERR kind or None)
CASES = ([("none", None), ("cyclic", None), ("random", None), ("heavy", None), ("mixed", None)]
         + [(f"only_{ch}_heavy", None) for ch in STALL_CHANNELS]
         + [("random", "rd"), ("none", None), ("cyclic", "wr"), ("mixed", None)])
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
    chans = [(ch, getattr(dut, f"{prefix}_{v}"), getattr(dut, f"{prefix}_{r}"),
              [getattr(dut, f"{prefix}_{p}") for p in pl]) for ch, (v, r, pl) in HANDSHAKES.items()]
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
                    errors.append(f"cycle {cycle}: {ch.upper()} payload changed while waiting "
                                  f"for READY: {prev} -> {now}")
            waiting[ch] = now if v and str(ready.value) != "1" else None


@cocotb.test()
async def stalls_and_errors(dut):
    """Stall profiles on every channel and SLVERR windows; handshake rules hold throughout."""
    rng = make_rng("axi_stalls", test_seed())
    n_cases = int(os.environ.get("PNC_STALL_JOBS", len(CASES)))
    start_clock(dut)
    lite = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                         reset_active_level=False)
    mem = MonitoredAxiRam(dut, "m_axi", size=1 << 20)
    errors: list[str] = []
    cocotb.start_soon(check_handshakes(dut, errors))
    await reset_dut(dut)

    async def wr(name: str, value: int) -> None:
        await lite.write_dword(int(REGS[name]), int(value) & 0xFFFFFFFF)

    async def rd(name: str) -> int:
        return int(await lite.read_dword(int(REGS[name])))

    for i, (stall, err) in enumerate(CASES[:n_cases]):
        job = random_job(rng, max_dim=12)
        img = pack_job(job)
        mem.load(img.regions)
        if err == "rd":
            a = img.regs["ACT_LO_ADDR"]
            mem.err_windows = [(a, a + BUS_BYTES, "rd")]
        elif err == "wr":
            a = img.regs["OUT_ADDR"]
            mem.err_windows = [(a, a + BUS_BYTES, "wr")]
        else:
            mem.err_windows = []
        profile = stall_profile(stall, rng)
        mem.set_stalls(profile, rng)
        mem.take_bursts()
        for name, val in img.regs.items():
            await wr(name, val)
        await wr("IRQ_EN", 1)
        await wr("CTRL", 1)
        budget = 40 * mode_cycles(job).cycles + 5000
        if not int(dut.irq_o.value):
            await First(RisingEdge(dut.irq_o), Timer(budget * CLK_PERIOD_NS, unit="ns"))
        assert int(dut.irq_o.value), f"case {i} ({stall}, err={err}): no irq_o in {budget} cycles"
        await wr("IRQ_STATUS", 1)
        status, code = await rd("STATUS"), await rd("ERR_CODE")
        counters = {c: await rd(c) for c in ("CYCLES",) + EXACT_COUNTERS}
        bursts = mem.take_bursts()
        mem.err_windows = []
        dut._log.info("case %d: stall=%s err=%s status=%#x err_code=%d %s bursts=%d", i, stall,
                      err, status, code, " ".join(f"{k}={v}" for k, v in counters.items()),
                      len(bursts))
        if err:
            want = int(ERRORS.AXI_RD_ERR if err == "rd" else ERRORS.AXI_WR_ERR)
            assert code == want, f"case {i}: ERR_CODE {code}, expected {want} (SLVERR {err})"
            continue
        assert code == int(ERRORS.OK), f"case {i} ({stall}): ERR_CODE {code}"
        exp = expected_output(job)
        for name, want in exp.regions.items():
            addr = img.regions[name][0]
            got = mem.read(addr, len(want))
            assert got == want, f"case {i} ({stall}): {name} differs from the model"
        exp_c = expected_counters(job)
        bad = {c: (counters[c], exp_c[c]) for c in EXACT_COUNTERS if counters[c] != exp_c[c]}
        assert not bad, f"case {i} ({stall}): counters (actual, expected) {bad}"
    for e in errors:
        dut._log.error("handshake: %s", e)
    assert not errors, f"{len(errors)} AXI handshake violations, first: {errors[0]}"
