"""Storage: encrypted, scoped and audited records in SQLite or PostgreSQL.

``Store`` (``core.py``) is the one access layer; its calls live in one module per concept: ``accounts``,
``records``, ``consent``, ``results`` (the analysis result cache), ``safety``, ``erasure``, ``audit``, ``keys``,
``backup``; ``meta`` is what opening and creating a workspace read and write before any user acts.
"""

from reverie.store.core import Store
from reverie.store.db import Database, upgrade
from reverie.store.results import AnnotationCache

__all__ = ["AnnotationCache", "Database", "Store", "upgrade"]
