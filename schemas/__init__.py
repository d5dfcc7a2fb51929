"""Marshmallow schemas shared by HTTP bodies and event payloads."""
