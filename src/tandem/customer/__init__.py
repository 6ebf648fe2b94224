"""Customers: sources, ingestion, identity resolution and profiles (the data centre of excellence)."""
