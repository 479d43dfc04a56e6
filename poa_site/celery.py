"""Celery app configured from Django settings (namespace CELERY).

Without CELERY_BROKER_URL the settings make tasks run eagerly in-process, so `make run`
needs no broker; with `CELERY_BROKER_URL=redis://…` a real worker
(`celery -A poa_site worker`) runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poa_site.settings")

app = Celery("poa_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
