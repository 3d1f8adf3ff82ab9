"""Helpers the released migrations use, frozen: copies of the live code as it stood on
2026-12-07 (names.py, search.py's entries, cases.law_key), so that a later change to the live
modules cannot change what upgrading an old database does. Covered by the released
migrations' sha256 pin (tests/test_migrations.py): never edit a file here; a new rule for
stored data is a new migration, with helpers of its own."""
