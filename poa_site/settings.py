"""Configuración del sitio POA, leída de variables de entorno.

SQLite es el valor por defecto (archivo en var/); `DATABASE_URL=postgres://…` selecciona
PostgreSQL. Con DEBUG apagado se activan los valores seguros (HTTPS, HSTS, cookies seguras).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on", "si", "sí"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable strictly: anything unrecognized is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} no es un valor booleano válido (use 1 o 0).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} debe ser un número entero.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Defina SECRET_KEY (obligatoria cuando DEBUG=0).")
    SECRET_KEY = "dev-inseguro-solo-para-desarrollo-local-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "poa_site.apps.PoaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    # Layers, lowest first (pyproject.toml [tool.importlinter] enforces the order).
    "programas",
    "avances",
    "planeacion",
    "plantilla",
    "reportes",
    "publico",  # portal de transparencia, datos abiertos y API de lectura (issue 15)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "poa_site.middleware.RegistroPeticionesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "poa_site.middleware.ParametrosSegurosMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "poa_site.middleware.SesionDeslizanteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "poa_site.middleware.SinCacheAutenticadoMiddleware",
    "poa_site.errores.PaginasDeErrorMiddleware",  # Spanish 403/404/500 also in DEBUG (last)
]

ROOT_URLCONF = "poa_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "poa_site.context_processors.sitio",
                "poa_site.context_processors.acceso",
            ],
        },
    },
]

WSGI_APPLICATION = "poa_site.wsgi.application"

# --- Base de datos -------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'var' / 'poa.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_SQLITE
if DATABASE_URL == DEFAULT_SQLITE:
    (BASE_DIR / "var").mkdir(exist_ok=True)  # var/ is not in git: a fresh clone creates it
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_URL debe empezar con sqlite:// o postgres://")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # reconnect after a database restart
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several users at once: WAL lets readers proceed during a write; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue on the busy timeout instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Autenticación y sesiones ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "avances:inicio"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The session expires after SESSION_COOKIE_AGE without activity: poa_site.middleware's
# SesionDeslizanteMiddleware renews it at most once per POA_SESION_RENOVAR_SEGUNDOS instead
# of writing the session row on every request (SESSION_SAVE_EVERY_REQUEST), which cost a
# write transaction per grid save under load (issue 16).
POA_SESION_RENOVAR_SEGUNDOS = env_int("POA_SESION_RENOVAR_SEGUNDOS", 300)

# Login throttling (django-axes). The lock is per username, so clients behind one proxy
# address do not lock each other out; poa_site.acceso adds a limit per client address across
# usernames. The address is REMOTE_ADDR unless a trusted proxy is declared: set
# AXES_IPWARE_PROXY_COUNT (proxies in front of gunicorn) and, if the proxy does not use
# X-Forwarded-For, AXES_IPWARE_META_PRECEDENCE_ORDER (e.g. HTTP_X_REAL_IP). Never declare a
# proxy that does not overwrite the header: clients could then choose their own address.
AXES_HANDLER = "poa_site.acceso.ManejadorAcceso"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
POA_ACCESO_MINUTOS = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = POA_ACCESO_MINUTOS / 60  # horas
POA_ACCESO_LIMITE_POR_DIRECCION = env_int("POA_ACCESO_LIMITE_POR_DIRECCION", 20)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" in the lockout parameters; the address limit lives in
# ManejadorAcceso instead (with its own, higher number), because with "ip_address" there a
# successful login would also erase every failure recorded from a shared proxy address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/bloqueado.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(
    env_list(
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "HTTP_X_FORWARDED_FOR,REMOTE_ADDR" if AXES_IPWARE_PROXY_COUNT else "REMOTE_ADDR",
    )
)

# --- Idioma y formatos -----------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True
# Figures are formatted by programas.numeros; years and ids must never print as "2,022".
USE_THOUSAND_SEPARATOR = False

# --- Archivos estáticos ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# The capture grid of a 100-meta unidad posts about 8 fields per meta and month shown.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)
POA_UPLOAD_MAX_BYTES = env_int("POA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
POA_UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int("POA_UPLOAD_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
# Work bounds of an uploaded sheet, counted on its real cells (plantilla.xlsx_seguro).
POA_XLSX_MAX_COLUMNAS = env_int("POA_XLSX_MAX_COLUMNAS", 256)
POA_XLSX_MAX_FILAS = env_int("POA_XLSX_MAX_FILAS", 40000)
# Workbooks over this many real rows (all sheets) or bytes are analyzed and applied by a
# background job with a progress page (plantilla.tasks); smaller ones answer at once.
POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO = env_int("POA_IMPORTACION_FILAS_EN_SEGUNDO_PLANO", 2000)
POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO = env_int(
    "POA_IMPORTACION_BYTES_EN_SEGUNDO_PLANO", 2 * 1024 * 1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = POA_UPLOAD_MAX_BYTES

# --- El ayuntamiento (encabezado de reportes) ------------------------------------------
POA_AYUNTAMIENTO = os.environ.get(
    "POA_AYUNTAMIENTO", "XXIV AYUNTAMIENTO DE MEXICALI, BAJA CALIFORNIA"
)
POA_LOGO = os.environ.get("POA_LOGO", str(BASE_DIR / "static" / "img" / "escudo.png"))

# --- Correo ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "poa@localhost")
POA_URL_BASE = os.environ.get("POA_URL_BASE", "http://127.0.0.1:8000")

# --- Tareas en segundo plano (Celery) --------------------------------------------------
# Without CELERY_BROKER_URL the tasks run in-process, so `make run` needs nothing: report
# jobs run the same Celery task in a local thread (POA_TAREAS_EN_HILO), so the request
# returns at once and the page shows the progress; anything else runs eagerly.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
POA_TAREAS_EN_HILO = not CELERY_BROKER_URL
# A job still queued or running after this many minutes is shown as interrupted (a worker
# or the server stopped while it ran) and can be requested again.
POA_TRABAJO_MINUTOS_MAXIMOS = env_int("POA_TRABAJO_MINUTOS_MAXIMOS", 30)
POA_REPORT_WORKERS = env_int("POA_REPORT_WORKERS", max(1, (os.cpu_count() or 2)))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "poa",
    }
}

# --- Seguridad en producción -----------------------------------------------------------
# Secure defaults whenever DEBUG is off; each can be relaxed behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The health probe (/salud/) is usually asked over plain HTTP on loopback by the proxy.
SECURE_REDIRECT_EXEMPT = [r"^salud/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): scripts only from our static files (no inline
# <script> nor on…= handlers). Styles allow 'unsafe-inline' for the style="…" attributes the
# templates use (progress bars, widths); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs: poa.peticiones (one line per request: method, path, status, user id, duration) and
# poa.seguridad / poa.bloqueo (denied accesses, refused writes to locked quarters).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "loggers": {
        "poa": {"handlers": ["console"], "level": os.environ.get("POA_LOG_LEVEL", "INFO")},
        "poa.peticiones": {"level": os.environ.get("POA_LOG_PETICIONES", "INFO")},
    },
}

# --- API de lectura /api/v1/ (publico.api; issue 15) -------------------------------------
# Anonymous requests see authorized quarters only; a token (publico: `token_api <usuario>`
# or /transparencia/token/) shows the user's scope. Throttle rates are read per request
# from POA_API_TASA_ANONIMA / POA_API_TASA_USUARIO (publico.api.permisos).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "publico.api.paginacion.Paginacion",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": [
        "publico.api.permisos.ThrottleAnonimo",
        "publico.api.permisos.ThrottleUsuario",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
POA_API_TASA_ANONIMA = os.environ.get("POA_API_TASA_ANONIMA", "120/min")
POA_API_TASA_USUARIO = os.environ.get("POA_API_TASA_USUARIO", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "API de lectura del POA municipal",
    "DESCRIPTION": (
        "Ejercicios, ramos, programas, unidades ejecutoras, metas con su programado (P) y "
        "realizado (R) mensual y estados de los reportes trimestrales. Sin token se ven solo "
        "los trimestres autorizados; con token (encabezado `Authorization: Token <clave>`), "
        "el ámbito del usuario."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
POA_PUBLICO_CACHE_SEGUNDOS = int(os.environ.get("POA_PUBLICO_CACHE_SEGUNDOS", "900"))
POA_AREA_TRANSPARENCIA = os.environ.get("POA_AREA_TRANSPARENCIA", "Planeación municipal")
