"""Outcome metrics for managers: the read model, its queries, suppression and exports."""
