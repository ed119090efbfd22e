"""The database as a whole and personal data: backups, retention, people's data requests."""
