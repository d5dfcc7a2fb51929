"""The bare stack's ceilings: what Flask, marshmallow + SQLAlchemy Core, Kombu and PostgreSQL do alone."""
