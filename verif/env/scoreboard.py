"""Scoreboard: the ONE comparison of an observed job with its prediction, and its totals.

:func:`compare` is used by the pyuvm scoreboard, the plain-cocotb top-level benches and
``panacea run``. Checks, in order (each failure is one :class:`Mismatch`, all are counted):

* the job ended (no hang) with STATUS done=1, busy=0, error as expected and ERR_CODE as predicted;
* for legal jobs: every output element bit-exactly (decoded with the model's ``decode_output``;
  each mismatch names job, tile, row, column, expected, actual and the element's five-term
  breakdown from ``panacea.aqs.aqs_gemm``), then the raw output region bytes (padding columns,
  stream headers, records, bytes that must stay untouched);
* every counter register the model predicts exactly (``panacea.config.COUNTERS`` that
  ``expected_counters`` holds: all but CYCLES and the stall counters);
* CYCLES never below the roofline lower limit and, for jobs without injected stalls, within
  ``cycle_tol * model + cycle_slack`` of ``panacea.cycles`` (``panacea.cycles.within_tolerance``;
  default CYCLE_TOL and CYCLE_SLACK of arch.toml [cycle], docs/architecture.md section 6);
* the stall counters (not predicted: they depend on the memory's timing) never above CYCLES;
* AXI traffic from the memory monitor: every burst at a bus-word address, read bytes per operand
  (activation streams, weight streams + bias), written bytes per output region, and no access
  outside the job's regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panacea import memimage as mi
from panacea.aqs import aqs_gemm
from panacea.config import ARCH, COUNTERS
from panacea.cycles import CYCLE_SLACK, CYCLE_TOL, within_tolerance

from verif.agents.job import Observed
from verif.agents.mem import Burst
from verif.env.predictor import Expected

V = int(ARCH.V)
BUS_BYTES = int(ARCH.AXI_DATA_W) // 8
STALL_COUNTERS = tuple(c for c in COUNTERS if c.startswith("STALL_"))
MAX_REPORTED = 10  # element mismatches logged per job (all are counted)
CYCLE_KIND = "cycles"  # the mismatch kind of the cycle-model check


@dataclass
class Mismatch:
    idx: int
    what: str
    detail: str

    def __str__(self) -> str:
        return f"job {self.idx}: {self.what}: {self.detail}"


def _at(v: int | np.ndarray, row: int) -> int:
    """Row ``row``'s value of a per-job or per-row parameter."""
    return int(v[row]) if isinstance(v, np.ndarray) else int(v)


def breakdown(exp: Expected, row: int, col: int) -> str:
    """Five-term breakdown of output element (row, col) from the model (a per-row job: with
    that row's z_m and r_m)."""
    j = exp.job
    a = getattr(exp, "_aqs", None)
    if a is None:
        a = aqs_gemm(j.x, j.w, j.z, j.r, int(j.b), bool(j.sbr), j.mode)
        exp._aqs = a
    bias = int(j.bias[col]) if j.bias is not None else 0
    b = int(j.b)
    return (
        f"HH={int(a.hh[row, col])}*2^{b + 4} HL={int(a.hl[row, col])}*2^4 "
        f"LH={int(a.lh[row, col])}*2^{b} LL={int(a.ll[row, col])} "
        f"COMP={int(a.comp[row, col])} ({'row ' if j.per_row else ''}r_eff={_at(a.r_eff, row)}, "
        f"z={_at(a.z, row)}, colsum={int(a.colsum[col])})"
        f" -> Y={int(a.y[row, col])} bias={bias}"
    )


def _region_traffic(exp: Expected, bursts: list[Burst]) -> tuple[dict, list[str]]:
    lay = mi.region_layout(exp.job)
    per = {(n, k): 0 for n in lay for k in ("rd", "wr")}
    stray = []
    for bu in bursts:
        hit = None
        for name, (a, size) in lay.items():
            if size and a <= bu.addr < a + size:
                hit = name
                break
        if hit is None:
            stray.append(f"{bu.kind} burst at {bu.addr:#x} ({bu.beats} beats) outside every region")
            continue
        per[(hit, bu.kind)] += bu.nbytes
    return per, stray


def compare(
    exp: Expected,
    obs: Observed,
    cycle_tol: float = CYCLE_TOL,
    stalls: bool = False,
    cycle_slack: int = CYCLE_SLACK,
) -> tuple[list[Mismatch], int]:
    """All mismatches of one job and the number of output elements checked (``stalls``: the
    job ran under injected AXI stalls, so only the lower cycle limit applies)."""
    mm: list[Mismatch] = []
    idx = exp.idx

    def bad(what, detail):
        mm.append(Mismatch(idx, what, detail))

    if obs.timed_out:
        bad("hang", f"no done within the timeout (STATUS={obs.status:#x})")
        return mm, 0
    done, busy, error = obs.status >> 1 & 1, obs.status & 1, obs.status >> 2 & 1
    if not done or busy or error != (0 if exp.legal else 1):
        bad("status", f"STATUS={obs.status:#x}, expected done=1 busy=0 error={int(not exp.legal)}")
    if obs.err_code != exp.err:
        bad("err_code", f"ERR_CODE={obs.err_code}, expected {exp.err}")
    for c in STALL_COUNTERS:  # a stall is a cycle of the job: never more stalls than CYCLES
        if obs.counters.get(c, 0) > obs.cycles:
            bad("counter", f"{c}={obs.counters[c]} above CYCLES={obs.cycles}")
    for bu in obs.bursts:  # the master issues every burst at a bus-word address
        if bu.addr % BUS_BYTES:
            bad("axi", f"{bu.kind} burst at {bu.addr:#x} not aligned to the {BUS_BYTES}-byte bus")
            break
    if not exp.legal:
        return mm, 0

    job = exp.job
    checked = 0
    try:
        got = mi.decode_output(job, obs.regions)
    except Exception as e:  # an undecodable RLE output stream
        bad("output", f"model could not decode the DUT's output: {type(e).__name__}: {e}")
        got = None
    if got is not None:
        want = exp.out.out
        checked = int(want.size)
        diff = np.argwhere(got != want)
        for n_rep, (row, col) in enumerate(diff):
            if n_rep >= MAX_REPORTED:
                break
            bad(
                "element",
                f"tile (mb={row // V}, nb={col // V}) row {row} col {col}: "
                f"expected {int(want[row, col])} actual {int(got[row, col])} "
                f"[s={int(exp.out.s[row, col])}; {breakdown(exp, int(row), int(col))}]",
            )
        if len(diff) > MAX_REPORTED:
            bad(
                "element",
                f"... {len(diff) - MAX_REPORTED} more element mismatches "
                f"({len(diff)} of {want.size})",
            )
    for name, want_b in exp.out.regions.items():
        got_b = obs.regions.get(name, b"")[: len(want_b)]
        if got_b != want_b:
            a = np.frombuffer(want_b, np.uint8)
            g = np.frombuffer(got_b.ljust(len(want_b), b"\0"), np.uint8)
            offs = np.flatnonzero(a != g)
            bad(
                "bytes",
                f"region {name}: {offs.size} of {a.size} bytes differ, first at offset "
                f"{int(offs[0])} (expected {int(a[offs[0]]):#04x} actual {int(g[offs[0]]):#04x})",
            )
    for c in COUNTERS:
        if c in exp.counters and obs.counters.get(c) != exp.counters[c]:
            bad("counter", f"{c}={obs.counters.get(c)}, expected {exp.counters[c]}")
    if exp.cycles is not None:
        model = exp.cycles.cycles
        if obs.cycles < exp.cycles.lower_limit:
            bad(
                CYCLE_KIND,
                f"CYCLES={obs.cycles} below the roofline lower limit {exp.cycles.lower_limit:.0f}",
            )
        elif not stalls and not within_tolerance(obs.cycles, model, cycle_tol, cycle_slack):
            bad(
                CYCLE_KIND,
                f"CYCLES={obs.cycles}, model {model} (tolerance {cycle_tol:.0%} + "
                f"{cycle_slack} cycles) for {exp.describe()}",
            )
    if obs.bursts:
        per, stray = _region_traffic(exp, obs.bursts)
        for s in stray[:MAX_REPORTED]:
            bad("axi", s)
        st = exp.stats
        want = {
            "act": BUS_BYTES * st.act_fetch_ngroups * int(st.act_beats.sum()),
            "wt": BUS_BYTES * st.wt_rd_beats,
        }  # buffers: replays are not read; the row vector counts with the activations
        got_rd = {
            "act": per[("act_lo", "rd")] + per[("act_ho", "rd")] + per[("rowq", "rd")],
            "wt": per[("wt_lo", "rd")] + per[("wt_ho", "rd")] + per[("bias", "rd")],
        }
        for k in want:
            if got_rd[k] != want[k]:
                bad("axi", f"{k} streams: {got_rd[k]} bytes read, expected {want[k]}")
        wr_total = per[("out", "wr")] + per[("out_ho", "wr")]
        if wr_total != exp.counters["WR_BYTES"]:
            bad(
                "axi",
                f"{wr_total} bytes written to the output regions, expected "
                f"{exp.counters['WR_BYTES']}",
            )
        for name in mi.REGION_NAMES:
            if name not in ("out", "out_ho") and per[(name, "wr")]:
                bad("axi", f"{per[(name, 'wr')]} bytes written into input region {name}")
        rd_bus = sum(bu.nbytes for bu in obs.bursts if bu.kind == "rd")
        if rd_bus != obs.counters.get("RD_BYTES"):
            bad(
                "axi",
                f"RD_BYTES counter {obs.counters.get('RD_BYTES')} != {rd_bus} bytes "
                "seen on the bus",
            )
    return mm, checked


class ScoreboardCore:
    """In-order matching of predictions and observations with totals for the end check."""

    def __init__(self, cycle_tol: float = CYCLE_TOL, cycle_slack: int = CYCLE_SLACK):
        self.cycle_tol, self.cycle_slack = cycle_tol, cycle_slack
        self.expected: dict[int, Expected] = {}
        self.mismatches: list[Mismatch] = []
        self.jobs = 0
        self.elements = 0
        self.errors_checked = 0
        self.cycles_per_mode: dict[str, list[tuple[int, int]]] = {}

    def add_expected(self, exp: Expected) -> None:
        self.expected[exp.idx] = exp

    def add_observed(self, obs: Observed, stalls: bool = False) -> list[Mismatch]:
        exp = self.expected.pop(obs.idx, None)
        if exp is None:
            m = [Mismatch(obs.idx, "unexpected", "observed a job with no prediction")]
        else:
            m, n = compare(exp, obs, self.cycle_tol, stalls, self.cycle_slack)
            self.elements += n
            self.jobs += 1
            if not exp.legal:
                self.errors_checked += 1
            elif exp.cycles is not None:
                self.cycles_per_mode.setdefault(exp.cycles.mode, []).append(
                    (obs.cycles, exp.cycles.cycles)
                )
        self.mismatches.extend(m)
        return m

    def add_problems(self, idx: int, what: str, details: list[str]) -> list[Mismatch]:
        """Count problems found outside :func:`compare` (e.g. the monitor cross-check)."""
        mm = [Mismatch(idx, what, d) for d in details]
        self.mismatches.extend(mm)
        return mm

    def drop(self, idx: int) -> None:
        """Forget a prediction on purpose (the job was interrupted by a reset)."""
        self.expected.pop(idx, None)

    def final_problems(self) -> list[str]:
        out = [str(m) for m in self.mismatches]
        out += [f"job {i}: predicted but never observed" for i in self.expected]
        return out
