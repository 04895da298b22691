"""Architecture parameters loaded from ``arch.toml`` (the single source of truth).

The configuration (``[config.NAME]`` applied to ``[arch]``) is the one
:func:`panacea.arch.selected` names (``$PANACEA_CONFIG``, default ``default``); ``CONFIG_NAME``
says which. Every other module reads its constants from here; nothing hard-codes a parameter
that lives in ``arch.toml``. Each TOML table becomes a read-only :class:`Section` that supports
both attribute and item access (``ARCH.NUM_PEA`` or ``ARCH["NUM_PEA"]``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import arch as _arch
from . import regmap

DEFAULT_PATH: Path = _arch.TOML_PATH

_SECTIONS: tuple[str, ...] = ("arch", "cycle", "energy", "sram", "regs", "consts", "errors")


class Section(Mapping[str, int | float]):
    """Read-only mapping of one TOML table with attribute access."""

    __slots__ = ("_name", "_values")

    def __init__(self, name: str, values: Mapping[str, int | float]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_values", dict(values))

    def __getitem__(self, key: str) -> int | float:
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(f"arch.toml [{self._name}] has no key {key!r}") from None

    def __getattr__(self, key: str) -> int | float:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"arch.toml [{self._name}] has no key {key!r}") from None

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"arch.toml [{self._name}] is read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Section({self._name!r}, {self._values!r})"


@dataclass(frozen=True)
class Config:
    """All sections of one ``arch.toml``."""

    arch: Section
    cycle: Section
    energy: Section
    sram: Section
    regs: Section
    consts: Section
    errors: Section


def load_config(path: str | Path | None = None, name: str | None = None) -> Config:
    """Load ``arch.toml`` (default: the one next to this module) with configuration ``name``
    (default: the selected one) into a :class:`Config`.

    Raises ``ValueError`` naming the file if a required table is missing or the configuration
    is unknown.
    """
    p = Path(path) if path is not None else DEFAULT_PATH
    data = _arch.resolve(_arch.load_raw(p), name or _arch.selected())
    missing = [s for s in _SECTIONS if s not in data]
    if missing:
        raise ValueError(f"path: {p} lacks the table(s) {missing}; required: {list(_SECTIONS)}")
    return Config(*(Section(s, data[s]) for s in _SECTIONS))


CONFIG_NAME: str = _arch.selected()
_CFG: Config = load_config(name=CONFIG_NAME)
ARCH: Section = _CFG.arch
CYCLE: Section = _CFG.cycle
ENERGY: Section = _CFG.energy
SRAM: Section = _CFG.sram
REGS: Section = _CFG.regs
CONSTS: Section = _CFG.consts
ERRORS: Section = _CFG.errors
# The performance-counter registers, in address order (architecture.md sec. 5).
COUNTERS: tuple[str, ...] = regmap.COUNTERS

if not ARCH.V == ARCH.TM == ARCH.TN:
    raise ValueError(f"arch.toml: V ({ARCH.V}) must equal TM ({ARCH.TM}) and TN ({ARCH.TN})")
