"""Energy estimate from counted operations, on-chip memory accesses and bytes (architecture.md
section 7).

Formula (all counts exact from :func:`panacea.memimage.expected_counters`; one SWO or DWO
"product" is an 8x8 outer product = 64 multiplies and 64 accumulates; a "word" is 64 bits)::

    compute = 64 * SWO_BUSY * MUL_LL_PJ                SWO multiplies (LL)
            + 64 * DWO_BUSY * MUL_HO_PJ                DWO multiplies (HH, HL, LH)
            + 64 * (SWO_BUSY + DWO_BUSY + TILES) * ACC_ADD_PJ
                                                       32-bit accumulates, plus one compensation
                                                       add per output at the drain
            + 8 * SWO_BUSY * CS_ADD_PJ                 CS: one 8-lane weight-sum add per k per tile
    sram    = RD_BYTES/8 * (wr(FIFO) + rd(FIFO))       every AXI read beat is written into and
                                                       read from its stream's receive FIFO
                                                       (pnc_axi_rd: 2*AXI_MAX_BURST beats)
            + WBUF_WR_BYTES/8 * wr(BANK)               weight streams stored in a weight buffer
            + WBUF_RD_BYTES/8 * rd(BANK)               ... and played from it (BANK = WBUF_BYTES/2,
                                                       one bank per weight stream)
            + ABUF_WR_BYTES/8 * wr(ABANK)              activation streams stored in the activation
            + ABUF_RD_BYTES/8 * rd(ABANK)              buffer and played from it (ABANK =
                                                       ABUF_BYTES/2, one bank per activation stream)
    dram    = (RD_BYTES + WR_BYTES) * DRAM_BYTE_PJ     DRAM traffic

``rd(size)``/``wr(size)`` are the per-word energies of an SRAM of that many bytes, interpolated in
``arch.toml [energy]`` ``SRAM_KIB``/``SRAM_RD_PJ``/``SRAM_WR_PJ`` (:func:`sram_word_pj`). The
output path has no buffer (tiles go from the accumulator registers to the AXI write channel), so
written bytes cost DRAM energy only. ``WBUF_RD_BYTES``, ``WBUF_WR_BYTES``, ``ABUF_RD_BYTES`` and
``ABUF_WR_BYTES`` are model-only counts
(no register; 0 when absent, e.g. for counters read back from the hardware):
:func:`panacea.cycles.model_counts` gives them for a job.

Per-operation energies come from ``arch.toml [energy]``. Source: M. Horowitz, "Computing's energy
problem (and what we can do about it)", ISSCC 2014, 45 nm (8b add 0.03 pJ, 8b mult 0.2 pJ,
32b add 0.1 pJ, 64-bit SRAM read 8 KB 10 pJ / 32 KB 20 pJ / 1 MB 100 pJ, DRAM 64b access
1.3-2.6 nJ), multiplier energy scaled by the product of operand widths; the SRAM sizes between
the published points are interpolated (the table's comment says which). Edit the table to plug in
other numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .config import ARCH, ENERGY, SRAM
from .memimage import BUS_BYTES, abuf_capacity, wbuf_capacity

LANES_PER_PRODUCT: int = 64
CS_LANES: int = 8
WORD_BYTES: int = 8  # the SRAM table is per 64-bit word
# Every AXI read stream's receive FIFO in pnc_axi_rd: 2 * AXI_MAX_BURST beats of AXI_DATA_W.
RD_FIFO_BYTES: int = 2 * int(ARCH.AXI_MAX_BURST) * BUS_BYTES
# Which part of the breakdown belongs to which kind of energy.
KINDS: dict[str, tuple[str, ...]] = {
    "dram": ("dram",),
    "sram": ("sram_fifo", "sram_wbuf", "sram_abuf"),
    "compute": ("mul_ll", "mul_ho", "acc", "cs"),
}


def _sram_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kib = np.asarray(ENERGY.SRAM_KIB, np.float64)
    rd = np.asarray(ENERGY.SRAM_RD_PJ, np.float64)
    wr = np.asarray(ENERGY.SRAM_WR_PJ, np.float64)
    if not (
        kib.ndim == 1
        and kib.size >= 2
        and rd.shape == wr.shape == kib.shape
        and np.all(np.diff(kib) > 0)
        and np.all(kib > 0)
        and np.all(rd > 0)
        and np.all(wr > 0)
    ):
        raise ValueError(
            "arch.toml [energy]: SRAM_KIB, SRAM_RD_PJ and SRAM_WR_PJ must be equally long lists "
            "of positive numbers, SRAM_KIB strictly increasing"
        )
    return np.log(kib * 1024), np.log(rd), np.log(wr)


_LOG_BYTES, _LOG_RD, _LOG_WR = _sram_table()


def sram_word_pj(size_bytes: int, op: str) -> float:
    """Energy (pJ) of one 64-bit ``op`` ("read" or "write") of an SRAM of ``size_bytes``:
    log-log interpolation in the ``arch.toml [energy]`` table, its nearest end outside it."""
    if op not in ("read", "write"):
        raise ValueError(f"op must be 'read' or 'write', got {op!r}")
    if size_bytes <= 0:
        raise ValueError(f"size_bytes must be positive, got {size_bytes}")
    table = _LOG_RD if op == "read" else _LOG_WR
    return float(math.exp(np.interp(math.log(size_bytes), _LOG_BYTES, table)))


def sram_area_mm2(kib: float, ports: int, sram: Mapping[str, float] | None = None) -> float:
    """Modelled area of one SRAM macro of ``kib`` KiB and ``ports`` ports (``arch.toml [sram]``
    of the selected configuration unless ``sram`` is given; its comment derives the figures)."""
    sram = SRAM if sram is None else sram
    array = kib * sram["MM2_PER_KIB"] * (1 + sram["EXTRA_PORT_FACTOR"] * (ports - 1))
    return array + ports * sram["MM2_PER_PORT"]


@dataclass(frozen=True)
class EnergyReport:
    """Total energy (pJ) and its parts: mul_ll, mul_ho, acc, cs (compute), sram_fifo,
    sram_wbuf (on-chip memories), dram."""

    total_pj: float
    breakdown_pj: dict[str, float]

    @property
    def by_kind_pj(self) -> dict[str, float]:
        """The breakdown summed per kind: dram, sram, compute."""
        return {k: sum(self.breakdown_pj[p] for p in parts) for k, parts in KINDS.items()}


def energy_from_counters(
    counters: Mapping[str, int], wbuf_bytes: int | None = None
) -> EnergyReport:
    """Energy of one job from its counters (SWO_BUSY, DWO_BUSY, TILES, RD_BYTES, WR_BYTES and,
    optionally, the model-only WBUF_RD_BYTES, WBUF_WR_BYTES, ABUF_RD_BYTES and ABUF_WR_BYTES);
    ``wbuf_bytes`` overrides the per-PEA weight-buffer capacity of ``arch.toml`` (its bank is
    half of it); the activation buffer is the build's ``ABUF_BYTES``."""
    missing = [
        c for c in ("SWO_BUSY", "DWO_BUSY", "TILES", "RD_BYTES", "WR_BYTES") if c not in counters
    ]
    if missing:
        raise ValueError(
            f"counters must hold SWO_BUSY, DWO_BUSY, TILES, RD_BYTES and WR_BYTES; "
            f"missing {missing}"
        )
    swo, dwo, tiles = (int(counters[c]) for c in ("SWO_BUSY", "DWO_BUSY", "TILES"))
    rd, wr = int(counters["RD_BYTES"]), int(counters["WR_BYTES"])
    played = int(counters.get("WBUF_RD_BYTES", 0))
    stored = int(counters.get("WBUF_WR_BYTES", 0))
    bank = wbuf_capacity(wbuf_bytes) // 2
    fifo = (
        rd
        / WORD_BYTES
        * (sram_word_pj(RD_FIFO_BYTES, "write") + sram_word_pj(RD_FIFO_BYTES, "read"))
    )
    wbuf = (
        stored / WORD_BYTES * sram_word_pj(bank, "write")
        + played / WORD_BYTES * sram_word_pj(bank, "read")
        if bank
        else 0.0
    )
    abank = abuf_capacity() // 2
    abuf = (
        int(counters.get("ABUF_WR_BYTES", 0)) / WORD_BYTES * sram_word_pj(abank, "write")
        + int(counters.get("ABUF_RD_BYTES", 0)) / WORD_BYTES * sram_word_pj(abank, "read")
        if abank
        else 0.0
    )
    parts = {
        "mul_ll": LANES_PER_PRODUCT * swo * float(ENERGY.MUL_LL_PJ),
        "mul_ho": LANES_PER_PRODUCT * dwo * float(ENERGY.MUL_HO_PJ),
        "acc": LANES_PER_PRODUCT * (swo + dwo + tiles) * float(ENERGY.ACC_ADD_PJ),
        "cs": CS_LANES * swo * float(ENERGY.CS_ADD_PJ),
        "sram_fifo": fifo,
        "sram_wbuf": wbuf,
        "sram_abuf": abuf,
        "dram": (rd + wr) * float(ENERGY.DRAM_BYTE_PJ),
    }
    return EnergyReport(total_pj=sum(parts.values()), breakdown_pj=parts)
