"""Architecture parameters loaded from ``arch.toml`` (the single source of truth).

Every other module reads its constants from here; nothing hard-codes a parameter that lives in
``arch.toml``. Each TOML table becomes a read-only :class:`Section` that supports both attribute
and item access (``ARCH.NUM_PEA`` or ``ARCH["NUM_PEA"]``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import regmap

DEFAULT_PATH: Path = Path(__file__).with_name("arch.toml")

_SECTIONS: tuple[str, ...] = ("arch", "cycle", "energy", "regs", "consts", "errors")


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
    regs: Section
    consts: Section
    errors: Section


def load_config(path: str | Path | None = None) -> Config:
    """Load ``arch.toml`` (default: the one next to this module) into a :class:`Config`.

    Raises ``ValueError`` naming the file if a required table is missing.
    """
    p = Path(path) if path is not None else DEFAULT_PATH
    with p.open("rb") as fh:
        data = tomllib.load(fh)
    missing = [s for s in _SECTIONS if s not in data]
    if missing:
        raise ValueError(f"path: {p} lacks the table(s) {missing}; required: {list(_SECTIONS)}")
    return Config(*(Section(s, data[s]) for s in _SECTIONS))


_CFG: Config = load_config()
ARCH: Section = _CFG.arch
CYCLE: Section = _CFG.cycle
ENERGY: Section = _CFG.energy
REGS: Section = _CFG.regs
CONSTS: Section = _CFG.consts
ERRORS: Section = _CFG.errors
# The performance-counter registers, in address order (architecture.md sec. 5).
COUNTERS: tuple[str, ...] = regmap.COUNTERS

if not ARCH.V == ARCH.TM == ARCH.TN:
    raise ValueError(f"arch.toml: V ({ARCH.V}) must equal TM ({ARCH.TM}) and TN ({ARCH.TN})")
