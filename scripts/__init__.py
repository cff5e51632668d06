"""Maintenance scripts of the template repository (run with python3; standard library only)."""
