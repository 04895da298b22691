"""Regression: ``cli`` (``make regress``/``make nightly``), ``config`` (regress.toml, testplan,
consistency), ``pool``/``execute`` (local processes or Dask), ``worker`` (one build or one
test+seed), ``results`` (JUnit, summary.json) and ``covdata`` (coverage databases).

Importing this package imports nothing: ``execute`` runs on Dask workers with the standard
library only.
"""
