"""Django's database backend for this service's server (ENGINE, db.database_config)."""
