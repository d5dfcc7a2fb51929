"""Kombu consumers and the outbox relay (SPEC section 4) live in this package."""
