"""WSGI entry point: gunicorn wsgi:app."""

from sponsorship import create_app

app = create_app()
