"""Benchmarks of the template: render time, time to green, and the rendered services' speed.

Run them all with ``uv run python -m bench`` from the template root (``--help`` for the
knobs); bench/README.md explains how to read and reproduce the numbers.
"""
