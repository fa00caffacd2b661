"""Alembic migrations of clearcount's schema; run them with `clearcount.storage.migrate`."""
