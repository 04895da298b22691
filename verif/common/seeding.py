"""Seeding: one integer seed gives the same stimulus on every simulator.

cocotb seeds Python's ``random`` from ``COCOTB_RANDOM_SEED`` (``make sim SEED=n``). Stimulus here
comes from numpy, so every component derives its own ``numpy.random.Generator`` from that seed and
a *tag* (the component's or sequence's name): streams never share state, adding a component does
not shift the others, and nothing depends on simulator scheduling. cocotb-coverage's solver uses
numpy's global RNG, which :func:`seed_all` seeds too.
"""

from __future__ import annotations

import os
import random
import zlib

import numpy as np

DEFAULT_SEED = 1


def test_seed() -> int:
    """The run's seed: $COCOTB_RANDOM_SEED (what ``make sim SEED=n`` passes), else
    ``cocotb.RANDOM_SEED``, else 1. (cocotb 2 rewrites ``RANDOM_SEED`` per test from the seed and
    the test name, which cannot be passed back as SEED=; tags keep per-test streams apart.)"""
    if "COCOTB_RANDOM_SEED" in os.environ:
        return int(os.environ["COCOTB_RANDOM_SEED"])
    try:
        import cocotb

        seed = getattr(cocotb, "RANDOM_SEED", None)
        if seed is not None:
            return int(seed)
    except ImportError:  # pragma: no cover - cocotb is always installed in the venv
        pass
    return int(os.environ.get("COCOTB_RANDOM_SEED", DEFAULT_SEED))


test_seed.__test__ = False  # not a pytest test


def make_rng(tag: str, seed: int | None = None) -> np.random.Generator:
    """A numpy Generator for ``tag`` derived from ``seed`` (default: the run's seed)."""
    s = test_seed() if seed is None else int(seed)
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([s & 0xFFFFFFFF, s >> 32, zlib.crc32(tag.encode())]))
    )


def seed_all(seed: int | None = None) -> int:
    """Seed Python's and numpy's global RNGs (cocotb-coverage draws from numpy's); return seed."""
    s = test_seed() if seed is None else int(seed)
    random.seed(s)
    np.random.seed(s & 0xFFFFFFFF)
    return s
