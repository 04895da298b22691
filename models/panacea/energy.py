"""Energy estimate from counted operations and bytes (architecture.md section 7).

Formula (all counts exact from :func:`panacea.memimage.expected_counters`; one SWO or DWO
"product" is an 8x8 outer product = 64 multiplies and 64 accumulates)::

    E = 64 * SWO_BUSY * MUL_LL_PJ                    SWO multiplies (LL)
      + 64 * DWO_BUSY * MUL_HO_PJ                    DWO multiplies (HH, HL, LH)
      + 64 * (SWO_BUSY + DWO_BUSY + TILES) * ACC_ADD_PJ
                                                     32-bit accumulates, plus one compensation
                                                     add per output at the drain
      + 8 * SWO_BUSY * CS_ADD_PJ                     CS: one 8-lane weight-sum add per k per tile
      + (RD_BYTES + WR_BYTES + WBUF_RD_BYTES) * SRAM_BYTE_PJ
                                                     each AXI byte passes one on-chip buffer,
                                                     each weight-buffer play is one more read
      + (RD_BYTES + WR_BYTES) * DRAM_BYTE_PJ         DRAM traffic

``WBUF_RD_BYTES`` is the model-only counter of bytes played from the per-PEA weight buffers
(0 when absent from ``counters``, e.g. for counters read back from the hardware registers).

Per-operation energies come from ``arch.toml [energy]``. Source: M. Horowitz, "Computing's energy
problem (and what we can do about it)", ISSCC 2014, 45 nm (8b add 0.03 pJ, 8b mult 0.2 pJ,
32b add 0.1 pJ, 8 KB SRAM 64b read 10 pJ, DRAM 64b access 1.3-2.6 nJ), multiplier energy scaled by
the product of operand widths and memory energy per byte. Edit the table to plug in other numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config import ENERGY

LANES_PER_PRODUCT: int = 64
CS_LANES: int = 8


@dataclass(frozen=True)
class EnergyReport:
    """Total energy (pJ) and its parts: mul_ll, mul_ho, acc, cs, sram, dram."""

    total_pj: float
    breakdown_pj: dict[str, float]


def energy_from_counters(counters: Mapping[str, int]) -> EnergyReport:
    """Energy of one job from its counters (SWO_BUSY, DWO_BUSY, TILES, RD_BYTES, WR_BYTES and,
    optionally, WBUF_RD_BYTES)."""
    missing = [
        c for c in ("SWO_BUSY", "DWO_BUSY", "TILES", "RD_BYTES", "WR_BYTES") if c not in counters
    ]
    if missing:
        raise ValueError(
            f"counters must hold SWO_BUSY, DWO_BUSY, TILES, RD_BYTES and WR_BYTES; "
            f"missing {missing}"
        )
    swo, dwo, tiles = (int(counters[c]) for c in ("SWO_BUSY", "DWO_BUSY", "TILES"))
    moved = int(counters["RD_BYTES"]) + int(counters["WR_BYTES"])
    played = int(counters.get("WBUF_RD_BYTES", 0))
    parts = {
        "mul_ll": LANES_PER_PRODUCT * swo * float(ENERGY.MUL_LL_PJ),
        "mul_ho": LANES_PER_PRODUCT * dwo * float(ENERGY.MUL_HO_PJ),
        "acc": LANES_PER_PRODUCT * (swo + dwo + tiles) * float(ENERGY.ACC_ADD_PJ),
        "cs": CS_LANES * swo * float(ENERGY.CS_ADD_PJ),
        "sram": (moved + played) * float(ENERGY.SRAM_BYTE_PJ),
        "dram": moved * float(ENERGY.DRAM_BYTE_PJ),
    }
    return EnergyReport(total_pj=sum(parts.values()), breakdown_pj=parts)
