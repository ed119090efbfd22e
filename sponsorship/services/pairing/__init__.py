"""Matching over the database and the pairings staff confirm, reject and end."""
