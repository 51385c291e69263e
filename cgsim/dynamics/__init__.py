"""Vectorised weekly processes over the resident arrays (MODEL.md §3).

Each module holds one phase; functions take state arrays, parameters and
pre-drawn uniforms (named streams, ``cgsim.rng``) and update arrays in place.
They know nothing of policies or Mesa.
"""
