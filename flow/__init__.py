"""Panacea flow: the layer above the model (``panacea``) and the testbench (``verif``).

``run`` (``panacea run``: user layers on the RTL), ``bench`` (``make bench``), ``regress``
(``make regress``/``make nightly``, the work items and their pool), ``cov_report``, ``sim``,
``lint``, ``synth``, ``bench_model`` and ``cli`` (the ``panacea`` and ``panacea-flow`` console
scripts). Nothing below this package imports it. See docs/layout.md.
"""
