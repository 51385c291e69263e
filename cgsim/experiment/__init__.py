"""Experiments at scale: configs, run plans, executors and the results store.

``config`` (compare configs), ``design`` (sweep and sensitivity configs and
their designs), ``outputs`` (outcomes of interest and per-run summaries),
``worker`` (one run), ``executors`` (this process, a process pool, Dask),
``runner`` (bounded execution with a progress bar), ``store`` (Parquet
store with manifest and ledger, resumable), ``compare`` and ``sweep`` (the
commands' drivers). Analyses are in ``cgsim.analysis``; reading results is
``cgsim.results.load``.
"""
