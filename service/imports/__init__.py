"""Bulk imports from files (`pathways import ...`): reading a CSV file, then the use case that writes it."""
