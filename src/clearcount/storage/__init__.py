"""Storage: SQLAlchemy tables, the repositories that implement `service.ports`, and Alembic
migrations. SQLite (a file) by default, PostgreSQL through a URL.

Open a store with `clearcount.storage.store.SqlStore.open(url)`; it migrates the schema to head
unless told not to. The service layer never imports this package (import-linter enforces it).
"""

__all__: list[str] = []
