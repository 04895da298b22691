"""Pause (idle/backpressure) generators for the AXI memory model's five channels.

A generator yields one bool per clock: True pauses the channel (sink: ready low; source: valid
withheld). Patterns are drawn once from a numpy Generator and then cycled, so a seed fixes them
and no per-cycle random draws happen in Python.
"""
from __future__ import annotations

import itertools

import numpy as np

STALL_CHANNELS = ("ar", "r", "aw", "w", "b")
PROFILES = ("none", "cyclic", "random", "heavy")


def pause_generator(profile: str, rng: np.random.Generator):
    """Iterator of bools for ``profile`` (None for "none")."""
    if profile == "none":
        return None
    if profile == "cyclic":
        on, off = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        return itertools.cycle([True] * on + [False] * off)
    if profile == "random":
        p = float(rng.uniform(0.2, 0.6))
        return itertools.cycle((rng.random(1021) < p).tolist())
    if profile == "heavy":
        # long stalls: 8..40 paused cycles, then a short open window
        pat: list[bool] = []
        for _ in range(16):
            pat += [True] * int(rng.integers(8, 41)) + [False] * int(rng.integers(1, 8))
        return itertools.cycle(pat)
    raise ValueError(f"profile must be one of {PROFILES}, got {profile!r}")


def stall_profile(name: str, rng: np.random.Generator) -> dict[str, str]:
    """Per-channel profile for a job-level stall name ("mixed" draws one per channel)."""
    if name == "mixed":
        return {ch: str(rng.choice(PROFILES)) for ch in STALL_CHANNELS}
    if name.startswith("only_"):            # e.g. only_r_heavy: one channel, one profile
        _, ch, prof = name.split("_", 2)
        return {c: (prof if c == ch else "none") for c in STALL_CHANNELS}
    return {ch: name for ch in STALL_CHANNELS}
