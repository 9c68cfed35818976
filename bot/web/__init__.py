"""The gunicorn process: the Flask app, the webhook and what it needs per request."""
