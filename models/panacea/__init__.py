"""Panacea bit-exact reference model (pure numpy).

Modules, one per concern: ``config`` (arch.toml), ``errors``, ``quant`` (calibration and
quantization), ``slicing``, ``zpm`` (zero-point manipulation and DBS), ``aqs`` (AQS-GEMM),
``rle`` (stream format), ``requant`` (INT32 -> UINT8), ``memimage`` (accelerator memory image,
expected output and counters), ``cycles``, ``energy``, ``analyze`` and ``cli``.
See docs/architecture.md for the contract these modules implement.
"""

__version__ = "0.1.0"
