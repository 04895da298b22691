"""Register map, job descriptor and HO stream header layout (docs/architecture.md sec. 3, 5).

Built at import from the ``[regs]``, ``[reg_fields]``, ``[descriptor]`` and ``[ho_header]`` tables
of ``arch.toml`` (in the configuration :func:`panacea.arch.selected` names) by
:func:`panacea.regspec.build_model`, the same reading that generates
``rtl/pnc_pkg.sv``. Access types: RO (writes ignored), RW, W1C (writing 1 clears, 0 keeps), WO (a
write-only pulse; reads 0). Bits outside every field read 0 and ignore writes.
"""

from __future__ import annotations

from . import arch as _arch
from .regspec import Field, Register, build_model

__all__ = [
    "COUNTERS",
    "DESCRIPTOR",
    "HO_HEADER",
    "HO_HEADER_BYTES",
    "REGISTERS",
    "Field",
    "Register",
    "pack_ho_header",
    "unpack_ho_header",
]

# The selected configuration: PARAMS resets name [arch] keys (NUM_PEA, AXI_DATA_W/8).
_SPEC = build_model(_arch.load())

REGISTERS: dict[str, Register] = {r.name: r for r in _SPEC.regs}
"""Every register by name, in address order."""

COUNTERS: tuple[str, ...] = tuple(r.name for r in _SPEC.regs if r.is_counter)
"""Performance counters (one field named `count`; cleared at start, saturating), address order."""

DESCRIPTOR: dict[str, Field] = dict(_SPEC.descriptor)
"""The job descriptor: field name -> register field, in desc_t order (first = most significant)."""

HO_HEADER_BYTES: int = _SPEC.hdr_bytes
HO_HEADER: dict[str, tuple[int, int]] = {name: (lsb, w) for name, lsb, w, _ in _SPEC.hdr}
"""HO stream header: field -> (lsb, width) of a little-endian integer of HO_HEADER_BYTES bytes."""


def pack_ho_header(**values: int) -> bytes:
    """The HO stream header with the given field values (:data:`HO_HEADER`), little-endian."""
    word = 0
    for name, (lsb, width) in HO_HEADER.items():
        word |= (int(values[name]) & ((1 << width) - 1)) << lsb
    return word.to_bytes(HO_HEADER_BYTES, "little")


def unpack_ho_header(buf: bytes) -> dict[str, int]:
    """Field values of the HO stream header in the first :data:`HO_HEADER_BYTES` of ``buf``."""
    word = int.from_bytes(bytes(buf[:HO_HEADER_BYTES]), "little")
    return {name: (word >> lsb) & ((1 << width) - 1) for name, (lsb, width) in HO_HEADER.items()}
