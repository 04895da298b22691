"""cocotb unit bench for rtl/pnc_regs.sv (AXI4-Lite register file + performance counters).

The host side is cocotbext-axi's AxiLiteMaster with random pauses on all five channels (so AW
and W arrive apart and responses are held). A small fake controller answers start_o with
busy_i, drives random performance-counter increments and ends the job with a done_i pulse.
Register offsets, fields, masks and reset values come from the generated register map
(panacea.regmap, from arch.toml), never literals.

Saturation at 2^32-1 cannot be reached by counting in a unit test, so `regs_counter_saturation`
preloads the counter flops through the simulator (a backdoor deposit on `cnt_q`) and then
counts across the limit through the normal inputs.
"""
from __future__ import annotations

import logging
import zlib

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from panacea import regmap
from panacea.config import ARCH, CONSTS, ERRORS, REGS

# RW registers: name -> (writable mask, reset value)
RW = {
    r.name: (r.mask("RW"), r.reset) for r in regmap.REGISTERS.values() if r.mask("RW")
}
# The input that feeds each counter (None: counted inside, CYCLES).
COUNTER_PORTS = {
    "CYCLES": None, "SWO_BUSY": "perf_swo_i", "DWO_BUSY": "perf_dwo_i",
    "STALL_MEM": "perf_stall_mem_i", "STALL_DWO": "perf_stall_dwo_i",
    "STALL_OUT": "perf_stall_out_i", "ACT_SKIP": "perf_act_skip_i",
    "WT_SKIP": "perf_wt_skip_i", "RD_BYTES": "perf_rd_bytes_i",
    "WR_BYTES": "perf_wr_bytes_i", "TILES": "perf_tile_i",
}
assert set(COUNTER_PORTS) == set(regmap.COUNTERS), "a counter of arch.toml has no input here"
# Counters in address order, with their input.
COUNTERS = [(c, COUNTER_PORTS[c]) for c in regmap.COUNTERS]
RO = [n for n, r in regmap.REGISTERS.items() if r.mask() == r.mask("RO")]
MASK32 = 0xFFFFFFFF
# Bit position of each descriptor field in desc_o (desc_t: first field most significant).
DESC_POS: dict[str, int] = {}
_pos = 0
for _name, _f in reversed(regmap.DESCRIPTOR.items()):
    DESC_POS[_name] = _pos
    _pos += _f.width


def make_rng(test_name: str) -> np.random.Generator:
    return np.random.default_rng([cocotb.RANDOM_SEED, zlib.crc32(test_name.encode())])


def pause_gen(rng: np.random.Generator, p_pause: float):
    while True:
        yield bool(rng.random() < p_pause)


def desc_fields(values: dict[str, int]) -> dict[str, int]:
    """Expected descriptor fields for the given register words."""
    return {name: f.get(values[f.reg]) for name, f in regmap.DESCRIPTOR.items()}


def desc_out(dut) -> dict[str, int]:
    """The descriptor fields on desc_o."""
    word = int(dut.desc_o.value)
    return {name: (word >> DESC_POS[name]) & ((1 << f.width) - 1)
            for name, f in regmap.DESCRIPTOR.items()}


class RegsBench:
    def __init__(self, dut, rng: np.random.Generator, p_pause: float = 0.3):
        self.dut, self.rng = dut, rng
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk_i, dut.rst_ni,
                                  reset_active_level=False)
        for ch in (self.axil.write_if.aw_channel, self.axil.write_if.w_channel,
                   self.axil.write_if.b_channel, self.axil.read_if.ar_channel,
                   self.axil.read_if.r_channel):
            ch.set_pause_generator(pause_gen(rng, p_pause))
        self.axil.write_if.log.setLevel(logging.WARNING)
        self.axil.read_if.log.setLevel(logging.WARNING)
        self.edge = 0            # rising edges since start()
        self.starts: list[int] = []  # edge index at which start_o was sampled high
        self.dones: list[int] = []   # edge index at which done_i was sampled high
        self.irq_seen = 0
        self.sums = {c: 0 for c, _ in COUNTERS}

    def start(self) -> None:
        cocotb.start_soon(self._observe())

    async def read(self, name: str) -> int:
        resp = await self.axil.read(REGS[name], 4)
        assert resp.resp == 0, f"read {name}: resp {resp.resp}"
        return int.from_bytes(resp.data, "little")

    async def read_addr(self, addr: int) -> int:
        resp = await self.axil.read(addr, 4)
        assert resp.resp == 0, f"read {addr:#x}: resp {resp.resp}"
        return int.from_bytes(resp.data, "little")

    async def write(self, name_or_addr, value: int, nbytes: int = 4, offset: int = 0) -> None:
        addr = REGS[name_or_addr] if isinstance(name_or_addr, str) else name_or_addr
        data = (value >> (8 * offset)).to_bytes(8, "little")[:nbytes]
        resp = await self.axil.write(addr + offset, data)
        assert resp.resp == 0, f"write {addr:#x}: resp {resp.resp}"

    async def _observe(self) -> None:
        """Per edge: record start/done pulses and the increments the counters sample."""
        dut = self.dut
        while True:
            await RisingEdge(dut.clk_i)
            self.edge += 1
            if int(dut.start_o.value):
                self.starts.append(self.edge)
                self.sums = {c: 0 for c, _ in COUNTERS}
                continue  # the start edge clears the counters; its increments are dropped
            if int(dut.done_i.value):
                self.dones.append(self.edge)
            for c, port in COUNTERS:
                if port is not None:
                    self.sums[c] += int(getattr(dut, port).value)

    async def fake_job(self, cycles: int, err_code: int, raise_busy: bool = True,
                       perf: bool = True) -> None:
        """Answer one start_o: busy for `cycles` cycles with random perf increments, then done."""
        dut, rng = self.dut, self.rng
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.start_o.value):
                break
        dut.busy_i.value = int(raise_busy)
        for _ in range(cycles):
            if perf:
                drive_perf(dut, rng)
            await RisingEdge(dut.clk_i)
        drive_perf(dut, rng, zero=True)
        dut.done_i.value = 1
        dut.err_code_i.value = err_code
        await RisingEdge(dut.clk_i)
        dut.done_i.value = 0
        dut.busy_i.value = 0
        dut.err_code_i.value = 0


def drive_perf(dut, rng, zero: bool = False, full: bool = False) -> None:
    """Random increments on every counter input (or all 0, or all at their maximum)."""
    for _, port in COUNTERS:
        if port is None:
            continue
        sig = getattr(dut, port)
        if zero:
            sig.value = 0
        elif full:
            sig.value = (1 << len(sig)) - 1
        elif len(sig) == 1:
            sig.value = int(rng.random() < 0.5)
        else:
            sig.value = int(rng.integers(0, 1 << len(sig)))


async def setup(dut, rng, p_pause: float = 0.3) -> RegsBench:
    cocotb.start_soon(Clock(dut.clk_i, 10, unit="ns").start())
    dut.rst_ni.value = 0
    dut.busy_i.value = 0
    dut.done_i.value = 0
    dut.err_code_i.value = 0
    drive_perf(dut, rng, zero=True)
    tb = RegsBench(dut, rng, p_pause)
    await ClockCycles(dut.clk_i, 3)
    dut.rst_ni.value = 1
    await ClockCycles(dut.clk_i, 2)
    tb.start()
    return tb


async def run_job(tb: RegsBench, cycles: int, err_code: int = 0) -> None:
    job = cocotb.start_soon(tb.fake_job(cycles, err_code))
    await tb.write("CTRL", 1)
    await job
    await ClockCycles(tb.dut.clk_i, 2)


@cocotb.test()
async def regs_reset_values_id_params(dut):
    """ID, PARAMS (from arch.toml), STATUS and every RW register's reset value; ports too."""
    tb = await setup(dut, make_rng("regs_reset_values_id_params"))
    assert await tb.read("ID") == CONSTS.ID_VALUE
    params, pf = await tb.read("PARAMS"), regmap.REGISTERS["PARAMS"].field
    assert pf("num_pea").get(params) == ARCH.NUM_PEA
    assert pf("v").get(params) == ARCH.V
    assert pf("bus_bytes").get(params) == ARCH.AXI_DATA_W // 8
    assert pf("run_bits").get(params) == ARCH.RUN_BITS
    assert await tb.read("STATUS") == 0
    assert await tb.read("IRQ_STATUS") == 0
    assert await tb.read("ERR_CODE") == ERRORS.OK
    for name, (_, reset) in RW.items():
        got = await tb.read(name)
        assert got == reset, f"{name} resets to {got:#x}, expected {reset:#x}"
    assert desc_out(dut) == desc_fields({n: r for n, (_, r) in RW.items()}), "desc_o after reset"
    for c, _ in COUNTERS:
        assert await tb.read(c) == 0
    assert int(dut.irq_o.value) == 0 and int(dut.start_o.value) == 0


@cocotb.test()
async def regs_rw_every_field_and_strobes(dut):
    """Random words into every RW register read back masked and appear in desc_o;
    byte-strobed writes change only their bytes."""
    rng = make_rng("regs_rw_every_field_and_strobes")
    tb = await setup(dut, rng)
    values = {n: r for n, (_, r) in RW.items()}
    for _ in range(3):
        for name, (mask, _) in RW.items():
            v = int(rng.integers(0, 1 << 32))
            await tb.write(name, v)
            values[name] = v & mask
        for name in RW:
            got = await tb.read(name)
            assert got == values[name], f"{name}: read {got:#x}, expected {values[name]:#x}"
        got, want = desc_out(dut), desc_fields(values)
        assert got == want, f"desc_o = {got}, expected {want}"
    # Single-byte and half-word writes (WSTRB subsets)
    for name, (mask, _) in RW.items():
        for offset, nbytes in ((0, 1), (1, 1), (2, 2), (3, 1), (1, 2)):
            v = int(rng.integers(0, 1 << 32))
            await tb.write(name, v, nbytes=nbytes, offset=offset)
            bmask = ((1 << (8 * nbytes)) - 1) << (8 * offset)
            values[name] = ((values[name] & ~bmask) | (v & bmask)) & mask
            got = await tb.read(name)
            assert got == values[name], \
                f"{name} after a {nbytes}-byte write at +{offset}: {got:#x} != {values[name]:#x}"


@cocotb.test()
async def regs_ro_protection_and_unmapped(dut):
    """Writes to RO and unmapped offsets change nothing and answer OKAY; unmapped reads are 0."""
    rng = make_rng("regs_ro_protection_and_unmapped")
    tb = await setup(dut, rng)
    await run_job(tb, 20, ERRORS.BAD_MODE)  # non-zero status, error code and counters
    before = {n: await tb.read(n) for n in RO + ["IRQ_STATUS"]}
    assert before["ERR_CODE"] == ERRORS.BAD_MODE and before["CYCLES"] > 0
    rw_before = {n: await tb.read(n) for n in RW}
    mapped = set(REGS.values())
    unmapped = [a for a in range(0, 1 << ARCH.LITE_ADDR_W, 4) if a not in mapped]
    for name in RO:
        await tb.write(name, int(rng.integers(0, 1 << 32)))
    for a in unmapped:
        await tb.write(a, int(rng.integers(0, 1 << 32)))
    after = {n: await tb.read(n) for n in RO + ["IRQ_STATUS"]}
    assert after == before, f"RO registers changed: {before} -> {after}"
    assert {n: await tb.read(n) for n in RW} == rw_before, "an unmapped write hit a register"
    for a in unmapped:
        assert await tb.read_addr(a) == 0, f"unmapped {a:#x} does not read 0"
    assert await tb.read("CTRL") == 0, "CTRL is write-only and reads 0"
    assert len(tb.starts) == 1, "a write to RO/unmapped space started a job"


@cocotb.test()
async def regs_start_pulse_only_when_idle(dut):
    """start_o is one cycle per accepted CTRL write; ignored while busy, while a job started
    but is not done (even without busy_i), for CTRL[0] = 0 and for a strobe without byte 0."""
    rng = make_rng("regs_start_pulse_only_when_idle")
    tb = await setup(dut, rng)
    pulses = []

    async def count_pulses():
        high = 0
        while True:
            await RisingEdge(dut.clk_i)
            if int(dut.start_o.value):
                high += 1
            elif high:
                pulses.append(high)
                high = 0

    cocotb.start_soon(count_pulses())
    await tb.write("CTRL", 0)
    await tb.write("CTRL", 0xFFFFFFFE)
    await tb.write("CTRL", 0xFFFFFFFF, nbytes=1, offset=1)  # strobe 0b0010: bit 0 not written
    await ClockCycles(dut.clk_i, 5)
    assert not tb.starts, "start_o without a CTRL[0] = 1 write"
    # Accepted start, then writes while the job runs are ignored.
    job = cocotb.start_soon(tb.fake_job(200, ERRORS.OK))
    await tb.write("CTRL", 1)
    await ClockCycles(dut.clk_i, 5)
    assert (await tb.read("STATUS")) & 1 == 1
    for _ in range(4):
        await tb.write("CTRL", 1)
    await job
    await ClockCycles(dut.clk_i, 3)
    assert len(tb.starts) == 1 and pulses == [1], f"start pulses {pulses}"
    st = await tb.read("STATUS")
    assert st == 0b010, f"STATUS after a clean job {st:#b}"
    # A controller that never raises busy_i: regs' own job tracking still blocks a second start.
    job = cocotb.start_soon(tb.fake_job(150, ERRORS.OK, raise_busy=False))
    await tb.write("CTRL", 1)
    for _ in range(3):
        await tb.write("CTRL", 1)
    await job
    await ClockCycles(dut.clk_i, 3)
    assert len(tb.starts) == 2 and pulses == [1, 1], f"start pulses {pulses}"
    # And a new job starts normally after done.
    await run_job(tb, 10)
    assert len(tb.starts) == 3 and pulses == [1, 1, 1]


@cocotb.test()
async def regs_status_done_error_and_irq_w1c(dut):
    """done/error/ERR_CODE sticky until the next start; IRQ_STATUS W1C; irq_o = EN & pending."""
    rng = make_rng("regs_status_done_error_and_irq_w1c")
    tb = await setup(dut, rng)
    await run_job(tb, 12, ERRORS.AXI_RD_ERR)
    assert await tb.read("STATUS") == 0b110
    assert await tb.read("ERR_CODE") == ERRORS.AXI_RD_ERR
    assert await tb.read("IRQ_STATUS") == 1
    assert int(dut.irq_o.value) == 0, "irq_o high while IRQ_EN = 0"
    await tb.write("IRQ_EN", 1)
    await ClockCycles(dut.clk_i, 1)
    assert int(dut.irq_o.value) == 1
    await tb.write("IRQ_STATUS", 0xFFFFFFFE)  # writing 0 to bit 0 keeps it
    assert await tb.read("IRQ_STATUS") == 1 and int(dut.irq_o.value) == 1
    await tb.write("IRQ_STATUS", 1)
    assert await tb.read("IRQ_STATUS") == 0
    await ClockCycles(dut.clk_i, 1)
    assert int(dut.irq_o.value) == 0
    # The next job: start clears done/error/ERR_CODE while running, done sets them again.
    job = cocotb.start_soon(tb.fake_job(60, ERRORS.OK))
    await tb.write("CTRL", 1)
    await ClockCycles(dut.clk_i, 4)
    assert await tb.read("STATUS") == 0b001
    assert await tb.read("ERR_CODE") == ERRORS.OK
    await job
    await ClockCycles(dut.clk_i, 2)
    assert await tb.read("STATUS") == 0b010
    assert int(dut.irq_o.value) == 1
    # IRQ disabled again: pending stays, output drops.
    await tb.write("IRQ_EN", 0)
    await ClockCycles(dut.clk_i, 1)
    assert int(dut.irq_o.value) == 0 and await tb.read("IRQ_STATUS") == 1
    # Every error code travels to ERR_CODE and sets STATUS.error.
    for code in sorted(set(ERRORS.values()) - {ERRORS.OK}):
        await run_job(tb, 3, code)
        assert await tb.read("ERR_CODE") == code
        assert await tb.read("STATUS") == 0b110


@cocotb.test()
async def regs_counters_count_and_clear_on_start(dut):
    """Each counter sums its increment input; CYCLES = cycles from start to done; cleared by
    the next start."""
    rng = make_rng("regs_counters_count_and_clear_on_start")
    tb = await setup(dut, rng, p_pause=0.2)
    for cycles in (int(rng.integers(50, 300)), 1, int(rng.integers(10, 40))):
        await run_job(tb, cycles)
        want = dict(tb.sums)
        want["CYCLES"] = tb.dones[-1] - tb.starts[-1]
        got = {c: await tb.read(c) for c, _ in COUNTERS}
        assert got == want, f"counters {got} != expected {want}"
        assert got["CYCLES"] == cycles + 1, "CYCLES: busy cycles plus the done cycle"


@cocotb.test()
async def regs_counter_saturation(dut):
    """Counters preloaded near 2^32-1 (backdoor) stick at 2^32-1; the next start clears them."""
    rng = make_rng("regs_counter_saturation")
    tb = await setup(dut, rng, p_pause=0.0)
    job = cocotb.start_soon(tb.fake_job(40, ERRORS.OK, perf=False))
    await tb.write("CTRL", 1)
    await ClockCycles(dut.clk_i, 4)
    # Preload: counter i at 2^32 - 1 - 3*i (CYCLES hits the limit after a few busy cycles).
    pre = [MASK32 - 3 * i for i in range(len(COUNTERS))]
    dut.cnt_q.value = sum(v << (32 * i) for i, v in enumerate(pre))
    for _ in range(30):
        drive_perf(dut, rng, full=True)
        await RisingEdge(dut.clk_i)
    drive_perf(dut, rng, zero=True)
    await job
    for c, _ in COUNTERS:
        got = await tb.read(c)
        assert got == MASK32, f"{c} = {got:#x}, not saturated"
    await run_job(tb, 5)
    assert await tb.read("CYCLES") == 6, "start did not clear a saturated counter"
    assert await tb.read("SWO_BUSY") == tb.sums["SWO_BUSY"]
