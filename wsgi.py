"""WSGI entry point: gunicorn wsgi:app."""

from sponsorship.app import create_app

app = create_app()
