"""Use cases: each function owns one transaction through a unit of work."""
