"""Side-by-side benchmarks of taskcluster-typed and the official `taskcluster` client.

Run ``python bench/run.py`` (or ``--quick``); see bench/RESULTS.md.
"""
