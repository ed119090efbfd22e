"""Services every domain leans on: audit, settings, accounts, regions, scope, validators."""
