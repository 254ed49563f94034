"""Benchmarks: `python -m bench` prints one JSON line per figure with its ratio to a floor measured in the same run."""
