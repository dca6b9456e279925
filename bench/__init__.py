"""Benchmarks and evaluations of wirebeam (not part of the installed package)."""
