"""gunicorn settings for production: `gunicorn yos_audit.wsgi` reads this file from the working folder.

gunicorn says "Server: gunicorn" on every response and puts its version in the WSGI environ;
neither helps a visitor, and the version helps an attacker, so both are replaced with a plain name.
"""

import os

import gunicorn
import gunicorn.http.wsgi

SERVER_NAME = "YOS Audit"
gunicorn.SERVER = SERVER_NAME
gunicorn.SERVER_SOFTWARE = SERVER_NAME
gunicorn.http.wsgi.SERVER = SERVER_NAME
gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Workers from the CPU count (gunicorn's advice: two per core, plus one); GUNICORN_WORKERS overrides.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Requests stuck longer than this are ended (the database connect_timeout is 5 seconds).
timeout = 60
# Don't show headers' contents or tracebacks to clients; log them.
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
