"""Pause (idle/backpressure) patterns for the AXI memory model's five channels.

A pattern holds one bool per clock, cycled: True pauses the channel (sink: ready low; source: no
new beat). Patterns are drawn once from a numpy Generator and then cycled, so a seed fixes them
and no per-cycle random draws happen in Python.
"""

from __future__ import annotations

import itertools

import numpy as np

STALL_CHANNELS = ("ar", "r", "aw", "w", "b")
PROFILES = ("none", "cyclic", "random", "heavy")


def pause_pattern(profile: str, rng: np.random.Generator) -> list[bool] | None:
    """One period of the pause pattern for ``profile`` (None for "none"); ``rng`` draws are the
    same as :func:`pause_generator`'s, so a seed gives the same stalls with either memory model."""
    if profile == "none":
        return None
    if profile == "cyclic":
        on, off = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        return [True] * on + [False] * off
    if profile == "random":
        p = float(rng.uniform(0.2, 0.6))
        return (rng.random(1021) < p).tolist()
    if profile == "heavy":
        # long stalls: 8..40 paused cycles, then a short open window
        pat: list[bool] = []
        for _ in range(16):
            pat += [True] * int(rng.integers(8, 41)) + [False] * int(rng.integers(1, 8))
        return pat
    raise ValueError(f"profile must be one of {PROFILES}, got {profile!r}")


def pause_generator(profile: str, rng: np.random.Generator):
    """Iterator of bools for ``profile`` (None for "none"): :func:`pause_pattern`, cycled."""
    pat = pause_pattern(profile, rng)
    return None if pat is None else itertools.cycle(pat)


def stall_profile(name: str, rng: np.random.Generator) -> dict[str, str]:
    """Per-channel profile for a job-level stall name ("mixed" draws one per channel)."""
    if name == "mixed":
        return {ch: str(rng.choice(PROFILES)) for ch in STALL_CHANNELS}
    if name.startswith("only_"):  # e.g. only_r_heavy: one channel, one profile
        _, ch, prof = name.split("_", 2)
        return {c: (prof if c == ch else "none") for c in STALL_CHANNELS}
    return {ch: name for ch in STALL_CHANNELS}


def stalled(profile: dict[str, str] | None) -> bool:
    """True if a per-channel profile pauses any channel."""
    return any(p != "none" for p in (profile or {}).values())
