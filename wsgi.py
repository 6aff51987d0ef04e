"""WSGI entry point: ``gunicorn wsgi:app``."""

from app import create_app
from app.core.gc_tuning import tune_for_requests

app = create_app()
# Once the app is loaded: see app/core/gc_tuning.py (large requests run up to twice as fast).
tune_for_requests()
