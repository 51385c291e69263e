"""Analyses of experiment results: paired effects, sensitivity indices, figures and reports.

``effects`` (paired effects with t intervals, bands over time), ``labels``
(English/Chinese labels), ``figures`` and ``report`` (the comparison report),
``document`` (Markdown/HTML rendering), ``sensitivity`` (SALib Morris and Sobol).
"""
