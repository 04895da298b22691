"""The word side of the two-stream buffer benches (pnc_wbuf, pnc_abuf): both blocks take a LO and
an HO word stream on ``in_*`` (packed ``[1:0]``, data and last) and give them back on ``out_*``.

:class:`TwoStreams` offers each stream's input words in order (holding each until taken, idling
a cycle before a new one with probability ``p_idle``), applies random output backpressure
(``p_bp``) and checks every output word, data and last flag, against the expected list. Per
cycle: :meth:`drive` before :func:`settle`, :meth:`sample` after it, :meth:`advance` after
:func:`tick`. The command side stays with each bench; :class:`StreamPlan` holds a job's
commands and words, and :func:`run_plan` drives one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from verif.tests.unit._cycle import settle, tick


def pack2(v0: int, v1: int, width: int) -> int:
    """Two stream words as one packed ``[1:0]`` vector (stream 0 in the low bits)."""
    return v0 | (v1 << width)


@dataclass
class StreamPlan(ABC):
    """One job of a buffer bench: commands in controller order, the words each stream takes
    (``inp``) and gives back (``exp``); a unit is a pair (LO words, HO words). Each bench's
    subclass knows its block's configuration and command ports."""

    cmds: list[tuple] = field(default_factory=list)
    inp: tuple[list, list] = field(default_factory=lambda: ([], []))
    exp: tuple[list, list] = field(default_factory=lambda: ([], []))

    def fetch(self, unit: tuple[list, list]) -> None:
        """The unit arrives on the inputs (fetched over AXI)."""
        self.inp[0].extend(unit[0])
        self.inp[1].extend(unit[1])

    def expect(self, unit: tuple[list, list]) -> None:
        """The unit leaves on the outputs."""
        self.exp[0].extend(unit[0])
        self.exp[1].extend(unit[1])

    @abstractmethod
    def configure(self, dut) -> None:
        """Set the block's static per-job inputs."""

    @abstractmethod
    def drive_cmd(self, dut, cmd) -> None:
        """Set the command inputs for ``cmd`` (``None``: no command this cycle)."""

    @abstractmethod
    def cmd_ready(self, dut, cmd) -> int:
        """Whether the block takes ``cmd`` in this cycle."""


class TwoStreams:
    """Inputs, backpressure and output checks of both word streams (module docstring)."""

    def __init__(self, dut, rng: np.random.Generator, inp: tuple[list, list],
                 exp: tuple[list, list], p_idle: float, p_bp: float, tag: str) -> None:
        self.dut, self.rng, self.inp, self.exp = dut, rng, inp, exp
        self.p_idle, self.p_bp, self.tag = p_idle, p_bp, tag
        self.dw = len(dut.in_data_i) // 2
        self.dmask = (1 << self.dw) - 1
        self.ptr = [0, 0]
        self.pend = [False, False]
        self.word = [(0, False), (0, False)]
        self.got: tuple[list, list] = ([], [])
        self.ready = [0, 0]
        self.in_rdy = 0

    def outputs_done(self) -> bool:
        """Every expected word of both streams came out."""
        return all(len(self.got[s]) >= len(self.exp[s]) for s in (0, 1))

    def drive(self) -> None:
        dut, dw = self.dut, self.dw
        for s in (0, 1):
            if (not self.pend[s] and self.ptr[s] < len(self.inp[s])
                    and self.rng.random() >= self.p_idle):  # fmt: skip
                self.pend[s] = True
                self.word[s] = self.inp[s][self.ptr[s]]
        dut.in_valid_i.value = self.pend[0] | (self.pend[1] << 1)
        dut.in_data_i.value = pack2(self.word[0][0] & self.dmask, self.word[1][0] & self.dmask, dw)
        dut.in_last_i.value = int(self.word[0][1]) | (int(self.word[1][1]) << 1)
        self.ready = [int(self.rng.random() >= self.p_bp) for _ in (0, 1)]
        dut.out_ready_i.value = self.ready[0] | (self.ready[1] << 1)

    def sample(self) -> None:
        """Check the words taken this cycle (call in the read-only phase)."""
        dut, dw = self.dut, self.dw
        self.in_rdy = int(dut.in_ready_o.value)
        out_v = int(dut.out_valid_o.value)
        # Data and last of a stream without valid may be X (the output FIFO is not reset).
        out_d = str(dut.out_data_o.value)
        out_l = str(dut.out_last_o.value)
        for s in (0, 1):
            if out_v >> s & 1 and self.ready[s]:
                i = len(self.got[s])
                w = (int(out_d[len(out_d) - (s + 1) * dw : len(out_d) - s * dw], 2) & self.dmask,
                     out_l[1 - s] == "1")  # fmt: skip
                assert i < len(self.exp[s]), (
                    f"{self.tag}: stream {s} produced an extra word {w[0]:#x}"
                )
                want = self.exp[s][i]
                assert w == (want[0] & self.dmask, want[1]), (
                    f"{self.tag}: stream {s} word {i}: got {w[0]:#x} last {w[1]}, "
                    f"expected {want[0] & self.dmask:#x} last {want[1]}"
                )
                self.got[s].append(w)

    def advance(self) -> None:
        """After the clock edge: retire the input words the block took."""
        for s in (0, 1):
            if self.pend[s] and self.in_rdy >> s & 1:
                self.pend[s] = False
                self.ptr[s] += 1

    def progress(self) -> str:
        return (f"got {len(self.got[0])}/{len(self.exp[0])} LO and {len(self.got[1])}/"
                f"{len(self.exp[1])} HO words, inputs taken {self.ptr}")  # fmt: skip

    async def run(self, cmds: list, drive_cmd: Callable[[object], None],
                  cmd_ready: Callable[[object], int], p_cmd_idle: float) -> int:
        """Offer ``cmds`` in order (``drive_cmd(cmd)`` sets the command inputs, ``None`` = no
        command this cycle; ``cmd_ready(cmd)`` reads whether it was taken), idling before a new
        one with probability ``p_cmd_idle``, while the streams run; until every command was
        taken and every expected word came out. Returns the cycles used."""
        ci, cmd, cycles = 0, None, 0
        limit = 50 * (len(self.exp[0]) + len(self.exp[1]) + len(cmds)) + 200
        while not self.outputs_done() or ci < len(cmds):
            if cmd is None and ci < len(cmds) and self.rng.random() >= p_cmd_idle:
                cmd = cmds[ci]
            drive_cmd(cmd)
            self.drive()
            await settle()
            self.sample()
            took = cmd is not None and cmd_ready(cmd)
            await tick(self.dut)
            cycles += 1
            assert cycles < limit, (
                f"{self.tag}: stalled after {cycles} cycles, {self.progress()}, "
                f"{ci}/{len(cmds)} commands"
            )
            if took:
                cmd, ci = None, ci + 1
            self.advance()
        drive_cmd(None)
        return cycles

    async def finish(self, idle) -> None:
        """Stop driving; every input taken; ``idle`` (the block's idle_o) rises within 4 cycles."""
        self.dut.in_valid_i.value = 0
        assert self.ptr == [len(self.inp[0]), len(self.inp[1])], (
            f"{self.tag}: inputs left {self.ptr}"
        )
        for _ in range(4):
            await settle()
            if int(idle.value):
                break
            await tick(self.dut)
        assert int(idle.value), f"{self.tag}: not idle at the end"
        await tick(self.dut)


async def run_plan(dut, rng: np.random.Generator, plan: StreamPlan, p_idle: float, p_bp: float,
                   p_cmd_idle: float, tag: str) -> int:
    """Drive ``plan`` cycle by cycle (:meth:`TwoStreams.run`), check every output word, end with
    ``idle_o`` high; return the cycles used."""
    plan.configure(dut)
    io = TwoStreams(dut, rng, plan.inp, plan.exp, p_idle, p_bp, tag)
    cycles = await io.run(
        plan.cmds, lambda c: plan.drive_cmd(dut, c), lambda c: plan.cmd_ready(dut, c), p_cmd_idle
    )
    await io.finish(dut.idle_o)
    return cycles
