"""The case store's schema migrations (Alembic), run by :func:`..migrate.migrate`; see ``env.py``."""
