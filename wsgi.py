"""Entry point for gunicorn and `flask --app wsgi`."""

from college import create_app

app = create_app()
