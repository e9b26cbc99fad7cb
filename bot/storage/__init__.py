"""SQLite storage: the connection, migrations and the queries."""
