"""Regression: ``cli`` (``make regress``/``make nightly``), ``config`` (regress.toml, testplan,
consistency), ``pool``/``execute`` (local processes or Dask), ``worker`` (one build or one
test+seed), ``results`` (JUnit, summary.json), ``covdata`` (coverage databases), ``triage``
(failure signatures and buckets), ``history`` (the sqlite database of runs) and ``signoff``
(the READY rule's mutation and formal inputs).

Importing this package imports nothing: ``execute`` runs on Dask workers with the standard
library only.
"""
