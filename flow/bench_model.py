"""Benchmark: AQS-GEMM reference (``panacea.aqs.aqs_gemm``, incl. its exact identity check)
against a plain numpy integer matmul ``(x - z) @ w.T`` (int64) of the same shape.

Prints both times (best of ``--repeat`` runs) and their ratio; the target is a ratio <= 3.
No assertion: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
from panacea.aqs import aqs_gemm
from panacea.cycles import cycle_model
from panacea.memimage import Job


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls of ``fn`` (seconds)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=512)
    ap.add_argument("--n", type=int, default=1536)
    ap.add_argument("--k", type=int, default=384)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = np.clip(rng.normal(134, 12, (args.m, args.k)), 0, 255).astype(np.uint8)
    w = np.clip(rng.normal(0, 20, (args.n, args.k)), -127, 127).astype(np.int8)
    z, r, b = 134, 8, 4
    x64, w64 = x.astype(np.int64), w.astype(np.int64)

    t_ref = best_time(lambda: (x64 - z) @ w64.T, args.repeat)
    t_aqs = best_time(lambda: aqs_gemm(x, w, z, r, b, True, "aqs"), args.repeat)
    print(f"shape M x N x K       : {args.m} x {args.n} x {args.k}")
    print(f"numpy int64 matmul    : {t_ref * 1e3:9.2f} ms")
    print(f"aqs_gemm (with check) : {t_aqs * 1e3:9.2f} ms")
    print(f"ratio aqs / numpy     : {t_aqs / t_ref:9.2f}  (target <= 3)")
    # For context: numpy's int64 matmul has no BLAS path; a float64 BLAS matmul of the same
    # operands is the fastest plain-numpy way to get the (exact) result.
    xf, wf = (x64 - z).astype(np.float64), w64.astype(np.float64)
    t_blas = best_time(lambda: xf @ wf.T, args.repeat)
    print(f"numpy float64 (BLAS)  : {t_blas * 1e3:9.2f} ms  (aqs / BLAS = {t_aqs / t_blas:.2f})")
    # The cycle model runs on every `panacea analyze` and bench layer: its speed on this shape
    # is a figure beside the GEMM's, with its own target.
    job = Job(x=x, w=w, z=z, r=r, b=b)
    t_cyc = best_time(lambda: cycle_model(job), args.repeat)
    print(f"cycle model (3 modes) : {t_cyc * 1e3:9.2f} ms  (target <= 1000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
