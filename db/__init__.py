"""Storage: typed SQLAlchemy models (the one schema definition), engine, unit of work, backup, migrations."""
