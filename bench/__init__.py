"""Benchmarks of Pathways."""
