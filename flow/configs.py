"""Select the named configuration (``arch.toml [config.NAME]``, :mod:`panacea.arch`) of a command.

A process describes one configuration, read from ``$PANACEA_CONFIG`` when :mod:`panacea.config`
is first imported. ``--config NAME`` of ``panacea run`` and ``panacea-flow sim|regress|synth``
calls :func:`select`: it sets the variable (simulators and workers started later inherit it) and,
when this process already loaded the model in another configuration, restarts the command with
the same arguments so that model, testbench and RTL agree.
"""

from __future__ import annotations

import os
import sys

from panacea import arch


def add_option(ap) -> None:
    """The ``--config NAME`` option (default: ``$PANACEA_CONFIG``, else ``default``)."""
    ap.add_argument(
        "--config",
        default=None,
        metavar="NAME",
        help=f"named configuration of arch.toml ({', '.join(arch.names())}); "
        f"default ${arch.CONFIG_ENV} or {arch.DEFAULT}",
    )


def select(name: str | None) -> str:
    """Make ``name`` (None: keep the current one) this process's configuration; returns it.

    Raises ``panacea.arch.ConfigError`` for an unknown name.
    """
    name = name or arch.selected()
    arch.resolve(arch.load_raw(), name)
    os.environ[arch.CONFIG_ENV] = name
    loaded = sys.modules.get("panacea.config")
    if loaded is not None and loaded.CONFIG_NAME != name:
        if "PYTEST_CURRENT_TEST" in os.environ:
            raise RuntimeError(
                f"the model is loaded as {loaded.CONFIG_NAME!r}; set {arch.CONFIG_ENV}={name} "
                "before starting pytest"
            )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    return name


def select_or_report(name: str | None) -> str | None:
    """:func:`select` for a command line: on an unknown name, print ``error: ...`` on stderr and
    return None (the command then exits with status 2)."""
    try:
        return select(name)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
