"""Corpus-scale runs: whole corpora through the analysers, on this machine's cores or a Dask cluster.

The documented API is :mod:`reverie.corpus`; ``sources`` reads and partitions inputs, ``engine`` runs
partitions through the one runner and keeps the finished ones for resuming.
"""

from reverie.batch.engine import ENGINES, DaskEngine, LocalEngine, Report, RunConfig, make_engine, run_partitions
from reverie.batch.sources import Columns, corpus_groups

__all__ = ["ENGINES", "Columns", "DaskEngine", "LocalEngine", "Report", "RunConfig", "corpus_groups", "make_engine",
           "run_partitions"]
