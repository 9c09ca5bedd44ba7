"""Evaluation commands: agreement of analysers with human coding."""
