"""Pure-Python logic behind the template: data tables, derived values and answer checks.

Loaded by copier through ``context.py``; imported directly by the template's tests.
"""
