"""The reports' rules as small, typed functions over plain values.

Nothing in this package imports Django, so every rule can be tested with plain values and
reused by batch jobs.
"""
