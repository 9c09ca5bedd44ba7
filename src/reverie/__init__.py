"""Reverie: a workbench for psychodynamic psychotherapy."""

__version__ = "0.1.0"
