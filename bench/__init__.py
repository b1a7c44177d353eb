"""Side-by-side benchmarks of taskcluster-typed and the official `taskcluster` client (#9).

Run ``python bench/run.py`` (or ``--quick``); see bench/RESULTS.md.
"""
