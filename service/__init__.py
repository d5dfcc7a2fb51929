"""Pathways: case management for publicly funded employment programmes."""
