"""Named configurations of ``arch.toml``: which build the model, the RTL and the tools describe.

``arch.toml [arch]`` holds the parameters of the small default build. Each ``[config.NAME]``
table names a configuration by the ``[arch]`` keys it changes (``[config.default]`` changes
none; ``[config.paper]`` is the paper's 16-PEA build). One process describes one configuration,
chosen by the environment variable ``PANACEA_CONFIG`` (default ``default``): :mod:`panacea.config`
and :mod:`panacea.regmap` read it at import, the cocotb runner compiles that configuration's
generated package (``rtl/pnc_pkg.sv``, written by ``make params``, or
``build/config/NAME/pnc_pkg.sv``, written on demand by :func:`panacea.svpkg.package`), and
simulators started from the process inherit it. ``make ... CONFIG=NAME`` and ``--config NAME``
set it.
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

CONFIG_ENV = "PANACEA_CONFIG"
DEFAULT = "default"
TOML_PATH: Path = Path(__file__).with_name("arch.toml")


class ConfigError(ValueError):
    """An unknown configuration name or a bad ``[config.NAME]`` table."""


def load_raw(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``arch.toml`` (all tables, no configuration applied)."""
    with Path(path or TOML_PATH).open("rb") as fh:
        return tomllib.load(fh)


def names(raw: dict[str, Any] | None = None) -> tuple[str, ...]:
    """Every configuration name of ``arch.toml``, ``default`` first."""
    raw = load_raw() if raw is None else raw
    table = raw.get("config", {})
    return (DEFAULT,) + tuple(n for n in table if n != DEFAULT)


def selected() -> str:
    """The configuration of this process: ``$PANACEA_CONFIG``, or ``default`` when unset/empty."""
    return os.environ.get(CONFIG_ENV, "").strip() or DEFAULT


def resolve(raw: dict[str, Any], name: str) -> dict[str, Any]:
    """``raw`` with ``[config.NAME]`` applied to ``[arch]`` (a deep copy; ``raw`` is unchanged).

    Raises :class:`ConfigError` for an unknown name or a key that ``[arch]`` lacks.
    """
    known = names(raw)
    if name not in known:
        raise ConfigError(
            f"unknown configuration {name!r} ({CONFIG_ENV} or --config); "
            f"arch.toml defines: {', '.join(known)}"
        )
    over = raw.get("config", {}).get(name, {})
    bad = sorted(k for k in over if k not in raw["arch"])
    if bad:
        raise ConfigError(f"arch.toml [config.{name}] sets {bad}, which [arch] does not define")
    out = copy.deepcopy(raw)
    out["arch"].update(over)
    return out


def package_relpath(name: str) -> str:
    """The generated SystemVerilog package of configuration ``name``, relative to the checkout."""
    return "rtl/pnc_pkg.sv" if name == DEFAULT else f"build/config/{name}/pnc_pkg.sv"


def load(name: str | None = None, path: str | Path | None = None) -> dict[str, Any]:
    """``arch.toml`` with configuration ``name`` (default: :func:`selected`) applied."""
    return resolve(load_raw(path), name or selected())
