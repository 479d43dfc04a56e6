"""Ajustes rápidos para pruebas: hasher MD5, correo en memoria, tareas en proceso."""

import os

os.environ.setdefault("DEBUG", "1")

from poa_site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
POA_TAREAS_EN_HILO = False  # jobs finish inside the request: tests stay deterministic
SECURE_SSL_REDIRECT = False
AXES_FAILURE_LIMIT = 5
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
LOGGING["loggers"]["poa"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["poa.peticiones"]["level"] = "WARNING"  # noqa: F405
