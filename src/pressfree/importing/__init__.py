"""Importing incidents from CSV, JSON and NDJSON files, described by a TOML mapping."""
