"""Storage: encrypted, scoped and audited records in SQLite or PostgreSQL."""

from reverie.store.db import Database, upgrade
from reverie.store.governance import AnnotationCache, Store

__all__ = ["AnnotationCache", "Database", "Store", "upgrade"]
