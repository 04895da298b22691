"""Pinned cycle points: deterministic jobs and the CYCLES the RTL reported for them, per named
configuration (Verilator, no injected AXI stalls).

The model test ``verif/tests/test_cycles_rtl_points.py`` checks the cycle model against the
pinned values of its configuration (and of ``paper`` from a child process); the top-level test
``e2e_cycle_points`` (``verif/tests/top/tb_top_e2e.py``) runs the jobs of the selected
configuration on the RTL, each bit-exact with exact counters and within the cycle-model
tolerance. After an RTL change that moves these cycles, re-measure the points (the log of
``e2e_cycle_points`` prints them) instead of widening the checks.
"""

from __future__ import annotations

import numpy as np
from panacea.memimage import Job

Spec = tuple[int, int, int, str, str, str, bool]  # m, n, k, kind, mode, fmt, bias


def make_job(
    m: int,
    n: int,
    k: int,
    kind: str,
    mode: str,
    fmt: str = "int32",
    bias: bool = False,
    seed: int = 0,
) -> Job:
    """``kind``: "live" (every HO vector live), "dead" (every HO vector skippable in ZERO_SKIP
    and AQS), "mixed" (activations around z = 150 with ~half the 8-lane vectors in the r bin,
    weights with ~half the vectors wh == 0)."""
    rng = np.random.default_rng(seed)
    z = r = 0
    if kind == "live":
        x = rng.integers(64, 256, (m, k)).astype(np.uint8)
        w = rng.integers(-128, 128, (n, k)).astype(np.int8)
    elif kind == "dead":
        x = rng.integers(0, 16, (m, k)).astype(np.uint8)
        w = rng.integers(0, 16, (n, k)).astype(np.int8)
    else:
        z, r = 150, 9
        x = (0x90 + rng.integers(0, 16, (m, k))).astype(np.uint8)
        hot = rng.random(k) < 0.5
        x[:, hot] = rng.integers(0, 256, (m, int(hot.sum()))).astype(np.uint8)
        w = rng.integers(-16, 16, (n, k)).astype(np.int8)
        hot = rng.random(k) < 0.5
        w[:, hot] = rng.integers(-128, 128, (n, int(hot.sum()))).astype(np.int8)
    b = np.arange(n, dtype=np.int32) if bias else None
    return Job(
        x=x, w=w, z=z, r=r, b=4, mode=mode, out_fmt=fmt, bias=b, mult=1 << 20, shift=31, out_b=4
    )


def point_id(spec: Spec) -> str:
    """``MxNxK-kind-mode-fmt[-bias]``, the pytest id of a point."""
    return "{}x{}x{}-{}-{}-{}{}".format(*spec[:6], "-bias" if spec[6] else "")


# configuration -> [(spec, RTL CYCLES)]
POINTS: dict[str, list[tuple[Spec, int]]] = {
    # the default build (4 PEAs, 64-bit port, 16 KiB weight buffer), measured when the model was
    # fitted (architecture.md section 6)
    "default": [
        ((8, 8, 1, "live", "dense", "int32", False), 62),
        ((8, 8, 128, "live", "dense", "int32", False), 549),
        ((8, 8, 32, "dead", "zero_skip", "int32", False), 114),
        ((8, 8, 128, "dead", "zero_skip", "int32", False), 210),
        ((64, 8, 64, "live", "dense", "int32", False), 1677),
        ((64, 8, 128, "dead", "zero_skip", "int32", False), 1128),
        ((16, 64, 64, "live", "dense", "int32", False), 1305),
        ((16, 64, 64, "dead", "zero_skip", "int32", False), 809),
        ((32, 32, 4, "dead", "zero_skip", "int32", True), 688),
        ((32, 32, 64, "dead", "zero_skip", "uint8", False), 538),
        ((32, 32, 4, "dead", "zero_skip", "uint8_rle", True), 379),
        ((32, 32, 64, "dead", "zero_skip", "uint8_rle", False), 501),
        ((16, 32, 1800, "live", "dense", "int32", False), 22260),
        ((16, 32, 1800, "dead", "zero_skip", "int32", False), 11025),
        ((8, 8, 1800, "live", "dense", "int32", False), 5530),
        ((1, 1, 1, "live", "aqs", "int32", False), 32),
        ((1, 1, 1, "mixed", "aqs", "uint8_rle", True), 38),
        ((3, 5, 7, "mixed", "aqs", "uint8", False), 44),
        ((9, 17, 13, "mixed", "aqs", "int32", True), 255),
        ((9, 17, 13, "mixed", "zero_skip", "uint8_rle", False), 174),
        ((1, 40, 100, "mixed", "aqs", "int32", False), 742),
        ((40, 1, 100, "mixed", "aqs", "uint8", True), 789),
        ((33, 47, 129, "mixed", "aqs", "int32", False), 2399),
        ((33, 47, 129, "mixed", "dense", "int32", False), 4266),
        ((33, 47, 129, "mixed", "zero_skip", "uint8_rle", True), 3333),
        ((64, 64, 256, "mixed", "aqs", "uint8", False), 6166),
        ((16, 24, 1800, "mixed", "aqs", "int32", False), 13190),
        ((72, 40, 300, "mixed", "aqs", "uint8_rle", False), 8173),
        # one slot (K = 1200), two n-groups: the second's units refill the slot behind the
        # first n-group's last group (MB = 2, and MB = 1 where it follows the first unit)
        ((16, 64, 1200, "mixed", "aqs", "int32", False), 13687),
        ((8, 64, 1200, "live", "dense", "int32", False), 15133),
        # no fit (K = 1800), two n-groups: the weights stream in every group, nothing is
        # prefetched for the second n-group
        ((2, 64, 1800, "mixed", "aqs", "int32", False), 16809),
    ],
    # the paper build (16 PEAs, 128-bit port, 32 KiB weight buffer per PEA): one and two
    # n-groups, two slots, one slot (K = 1800) and no fit (K = 3400); measured at 6e73fd1 by
    # e2e_cycle_points (cocotbext-axi AxiRam; FastAxiRam gives 36374 for the K = 3400 point)
    "paper": [
        ((8, 8, 1, "live", "dense", "int32", False), 42),
        ((8, 8, 128, "live", "dense", "int32", False), 506),
        ((64, 8, 128, "dead", "zero_skip", "int32", False), 1111),
        ((32, 32, 64, "dead", "zero_skip", "uint8_rle", False), 419),
        ((1, 1, 1, "mixed", "aqs", "uint8_rle", True), 32),
        ((9, 17, 13, "mixed", "aqs", "int32", True), 153),
        ((40, 1, 100, "mixed", "aqs", "uint8", True), 781),
        ((33, 47, 129, "mixed", "aqs", "int32", False), 1323),
        ((33, 47, 129, "mixed", "dense", "int32", False), 2291),
        ((64, 64, 256, "mixed", "aqs", "uint8", False), 3527),
        ((16, 256, 128, "mixed", "aqs", "int32", False), 2788),
        ((24, 200, 300, "mixed", "zero_skip", "uint8_rle", True), 6123),
        ((72, 136, 300, "mixed", "aqs", "uint8_rle", False), 9279),
        ((16, 136, 1800, "mixed", "aqs", "int32", False), 21187),
        ((8, 128, 3400, "live", "dense", "int32", False), 36388),
    ],
}
