"""Benchmarks of the bot; run them from the repository root, e.g. ``python -m benchmarks.throughput``."""
