"""Prefect flows: thin wiring over the warehouse package."""
