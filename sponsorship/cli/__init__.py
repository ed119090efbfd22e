"""Command-line groups registered on the app: users, regions, jobs, demo, setup."""
