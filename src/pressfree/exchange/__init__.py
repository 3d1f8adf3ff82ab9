"""Other formats in and out: imports of CSV, JSON and NDJSON files (readers, mappings and
presets, matching), pressfree's own JSON document, and copying a whole database; all through
the same write path as the commands."""
