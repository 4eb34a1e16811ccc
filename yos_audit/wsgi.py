"""WSGI entry point (gunicorn yos_audit.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos_audit.settings")
application = get_wsgi_application()
