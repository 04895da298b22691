"""Passive job monitor: the :class:`~.items.Observed` of every job, from what the buses show.

It drives nothing and knows nothing of the stimulus. It watches the AXI4-Lite port
(:class:`~verif.agents.axil.AxilMonitor`), ``irq_o`` and ``rst_ni``, and takes every burst the
AXI RAM's monitor reports. A write of CTRL with bit 0 set opens a job (the descriptor is what
was last written to the registers); the job is published to the listeners once STATUS,
ERR_CODE and every counter register have been read back after it, or when a reset ends it
(``aborted``). After a legal end it reads the output regions of the observed descriptor from
the RAM (a back-door read: the memory as the DUT left it). Numbering counts starts, so it
matches the order jobs are driven in.
"""

from __future__ import annotations

from collections.abc import Callable

import cocotb
import numpy as np
from cocotb.triggers import FallingEdge, RisingEdge
from panacea.config import ERRORS, REGS
from panacea.memimage import FMT_NAMES, Job, decode_descriptor, region_layout

from verif.agents.axil import AxilMonitor, RegAccess
from verif.agents.mem import Burst, MonitoredAxiRam
from verif.common.clock_reset import sim_cycles

from .bfm import OUT_REGIONS, READBACK
from .items import Observed

REG_NAMES = {int(a): n for n, a in REGS.items()}


def descriptor_layout(regs: dict[str, int]) -> dict[str, tuple[int, int]]:
    """``{region: (address, size)}`` of the job the descriptor registers describe (the model's
    :func:`~panacea.memimage.region_layout` of a job of that shape)."""
    f = decode_descriptor(regs)
    job = Job(
        x=np.zeros((f["M"], f["K"]), np.uint8),
        w=np.zeros((f["N"], f["K"]), np.int8),
        b=f["b"],
        sbr=bool(f["sbr"]),
        out_fmt=FMT_NAMES[f["fmt"]],
        out_b=f["out_b"],
        bias=np.zeros(f["N"], np.int32) if f["bias_en"] else None,
        **{
            f"{r}_addr": f[f"{r}_addr"]
            for r in ("act_lo", "act_ho", "wt_lo", "wt_ho", "bias", "out", "out_ho")
        },
    )
    return region_layout(job)


class JobMonitor:
    """Observe jobs on ``pnc_top``; ``listeners`` get each finished :class:`Observed`."""

    def __init__(self, dut, mem: MonitoredAxiRam) -> None:
        self.dut, self.mem = dut, mem
        self.listeners: list[Callable[[Observed], None]] = []
        self.history: list[Observed] = []
        self.written: dict[str, int] = {}  # last value written to each register
        self.cur: Observed | None = None
        self.desc: dict[str, int] = {}
        self.read: dict[str, int] = {}
        self.t_start = 0
        self.count = 0
        AxilMonitor(dut).listeners.append(self._access)
        mem.listeners.append(self._burst)
        cocotb.start_soon(self._watch_irq())
        cocotb.start_soon(self._watch_reset())

    def _access(self, acc: RegAccess) -> None:
        name = REG_NAMES.get(acc.addr & ~3)
        if name is None:
            return
        if acc.write:
            self.written[name] = acc.data
            if name == "CTRL" and acc.data & 1:
                self._open()
        elif self.cur is not None and name in READBACK:
            self.read[name] = acc.data
            if all(r in self.read for r in READBACK):
                self._close()

    def _burst(self, burst: Burst) -> None:
        if self.cur is not None:
            self.cur.bursts.append(burst)

    def _open(self) -> None:
        self.cur = Observed(idx=self.count)
        self.count += 1
        self.desc = dict(self.written)
        self.read = {}
        self.t_start = sim_cycles(self.dut)

    async def _watch_irq(self) -> None:
        while True:
            await RisingEdge(self.dut.irq_o)
            if self.cur is not None and not self.cur.irq:
                self.cur.irq = True
                self.cur.wall_cycles = sim_cycles(self.dut) - self.t_start

    async def _watch_reset(self) -> None:
        while True:
            await FallingEdge(self.dut.rst_ni)
            if self.cur is not None:
                self.cur.aborted = True
                self._publish()

    def _close(self) -> None:
        obs = self.cur
        obs.set_registers(self.read)
        if obs.err_code == int(ERRORS.OK) and not obs.timed_out:
            lay = descriptor_layout(self.desc)
            obs.regions = {n: self.mem.read(*lay[n]) for n in OUT_REGIONS}
        self._publish()

    def _publish(self) -> None:
        obs, self.cur = self.cur, None
        self.history.append(obs)
        for fn in self.listeners:
            fn(obs)
