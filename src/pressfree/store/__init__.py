"""The store: where the database is and how it is opened (db), the SQLite and PostgreSQL twins,
the models, the migrations (self-contained), and private files beside the database."""
