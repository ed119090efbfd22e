"""Scheduled jobs: thin wrappers that call services, each claiming (job, period) before acting."""
