"""Cairn settings: one file, everything that differs between machines comes from the environment.

Development needs no variables at all: the database is the embedded PostgreSQL, the broker is
kombu's filesystem transport, both in the data folder (`CAIRN_DATA_DIR`, default `.data/`).
Production (`CAIRN_ENV=production`) refuses to start unless the unsafe defaults are replaced.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from send_platform.secrets_check import old_master_key_problems, production_secret_problems


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("CAIRN_DATA_DIR", str(BASE_DIR / ".data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

CAIRN_ENV = env("CAIRN_ENV", "development")
PRODUCTION = CAIRN_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CAIRN_ENV=production.")
    # Development: generated once and kept, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Sub-domain routing: `<organisation>.<BASE_DOMAIN>`; the base domain itself is the public site.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"] + [h for h in (env("EXTRA_ALLOWED_HOSTS", "") or "").split(",") if h]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver", "127.0.0.1"]

# --- Applications ------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "send_platform.apps.PlatformConfig",
    "tenants",
    "send_platform.audit",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "graphene_django",
    "integrations",
    "send_core.transition",
    "send_graphql.apps.ReportingConfig",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "send_platform.audit",
    "send_core",
    "send_core.provision",
    "send_core.ehc",
]
INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenants.Organisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New organisations are cloned from this migrated, empty schema instead of migrated one by one.
CAIRN_TEMPLATE_SCHEMA = "cairn_template"
TENANT_BASE_SCHEMA = CAIRN_TEMPLATE_SCHEMA
# Clones kept ready, so provisioning a school is a rename (refilled by beat and at start-up).
CAIRN_SPARE_SCHEMAS = int(env("CAIRN_SPARE_SCHEMAS", "3"))
# Set the search path once per request, not before every statement.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "tenants.middleware.OrganisationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise, so static files keep their long cache; everything else is no-store.
    "send_platform.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "send_platform.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.MembershipMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: with DEBUG on, a wrong address gets the GOV.UK 404 page, not Django's debug page.
    "send_platform.not_found.GovukNotFoundInDebugMiddleware",
]

ROOT_URLCONF = "send_platform.urls"
PUBLIC_SCHEMA_URLCONF = "send_platform.public_urls"
WSGI_APPLICATION = "send_platform.wsgi.application"
ASGI_APPLICATION = "send_platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.organisation",
            ],
        },
    }
]
FORM_RENDERER = "send_platform.forms.GovukFormRenderer"

# --- Database ----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
# Finite: many schemas cost memory per connection. `./cairn run` exports 0: runserver opens a
# thread per request and each kept its own connection until PostgreSQL said "too many clients".
CONN_MAX_AGE = int(env("CONN_MAX_AGE", "300"))
if DATABASE_URL:
    import dj_database_url

    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE)
elif PRODUCTION:
    # Never start the embedded server in production: check_production_settings() below refuses.
    _db = {}
else:
    from send_platform.embedded import database_settings

    _db = database_settings(DATA_DIR)
    _db["CONN_MAX_AGE"] = CONN_MAX_AGE
_db["ENGINE"] = "django_tenants.postgresql_backend"
# A kept connection that the server dropped (restart, failover) is replaced, not handed to a request.
_db["CONN_HEALTH_CHECKS"] = True
# An unreachable database server fails a request (and the readiness check) in seconds, not minutes.
_db.setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "5")))
_db.setdefault("TEST", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: keys carry the schema so organisations never read each other's entries -------
_cache_url = env("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if _cache_url
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": _cache_url or "cairn",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
# A hung Redis must cost a request about a second, not five, before the caller's guard steps in.
_cache_timeout = float(env("CACHE_SOCKET_TIMEOUT", "1"))
if _cache_url:
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}

# --- People and sign-in ------------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign-in"
# Staff must use a second factor when this is on (always on in production unless overridden).
CAIRN_REQUIRE_2FA = env_bool("CAIRN_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Cairn"
CAIRN_INVITATION_MAX_AGE = timedelta(days=int(env("CAIRN_INVITATION_DAYS", "7")))
CAIRN_HANDOFF_MAX_AGE = timedelta(seconds=60)

# Failed sign-ins: five per account, then a pause of 1 minute doubling to at most 15, which the
# account's owner passes from an address they have signed in from before (send_platform/sign_in_limits.py).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)  # the longest pause: failures older than this are forgotten
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "send_platform.sign_in_limits.username_of"
AXES_HANDLER = "send_platform.sign_in_limits.SignInThrottle"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address comes from X-Forwarded-For only when the request came from one of these
# proxies (addresses or CIDR ranges, comma-separated); otherwise it is the connecting address.
CAIRN_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(p.strip(), strict=False)) for p in (env("CAIRN_TRUSTED_PROXIES", "") or "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "send_platform.sign_in_limits.client_address"
# Axes warns that counting by username alone lets rotating user agents escape the count; Cairn's
# handler adds up an account's failures from every address and user agent, so none escapes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# Preload: browsers never make a first plain-HTTP request to any Cairn address.
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # No <base> element may move where relative links and scripts resolve.
        "base-uri": ["'none'"],
        "form-action": ["'self'", f"*.{BASE_DOMAIN}:*", f"{BASE_DOMAIN}:*", f"https://*.{BASE_DOMAIN}"],
    }
}

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- APIs --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.SessionAuthentication",  # the session must pass tenants.sessions.session_refusal
        "tenants.api.HashedTokenAuthentication",  # keys kept only as SHA-256 (tenants.tokens)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.IsMemberHere"],
    "EXCEPTION_HANDLER": "tenants.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["send_platform.throttling.UserRateThrottle"],  # fails open if the cache is away
    # Per person, per hour. An MIS sync (token) of a 2,000-pupil school pages pupils, needs, plans,
    # outcomes and reviews at 50 a page: about 200 calls, plus a write per changed record; 10,000
    # leaves room for several syncs and retries in an hour. Someone in a browser (session) rarely
    # passes a few hundred; 3,000 still stops a runaway script using a session.
    "DEFAULT_THROTTLE_RATES": {
        "session": env("API_RATE_SESSION", "3000/hour"),
        "token": env("API_RATE_TOKEN", "10000/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cairn API",
    "DESCRIPTION": "SEND records for schools, trusts and local authorities.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tenants.api.IsMemberHere"],
}

# --- Email: reminders of deadlines (printed to the console in development) -----------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that never answers must not hold a worker until the task's time limit.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"Cairn <no-reply@{BASE_DOMAIN}>")

# --- Celery: the tenant travels with every task -------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
_broker_dir = DATA_DIR / "broker"
# Read whichever broker is in use, so an operator's setting is never silently ignored.
_visibility_timeout = int(env("CELERY_VISIBILITY_TIMEOUT", "10800"))
_broker_socket_timeout = float(env("CELERY_BROKER_SOCKET_TIMEOUT", "3"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # The longest delay any task is queued with: the nightly reporting spread (CAIRN_REPORTING_JITTER_SECONDS,
    # default an hour). Redis hands an unacknowledged task to another worker after visibility_timeout, so it
    # must outlast that delay plus a task's run, or delayed tasks would be delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        "socket_connect_timeout": _broker_socket_timeout,
        "socket_timeout": _broker_socket_timeout,
    }
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, made to survive a Redis outage with tasks in hand (see celery_app.py).
    CELERY_BROKER_TRANSPORT = "send_platform.celery_app:RedisTransport"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = _broker_socket_timeout
# At-least-once: a task is acknowledged only when it finishes, and a worker killed mid-task hands it
# back to the queue. Every task is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose connection is lost goes back on the queue, so it is stopped rather than left running
# beside its own redelivery.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# No task may run for ever: the soft limit raises inside the task so it records its failure, the hard
# limit kills it. A reporting run still "running" after the hard limit is marked failed (graphql.tasks).
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", "900"))
CELERY_TASK_SOFT_TIME_LIMIT = int(env("CELERY_TASK_SOFT_TIME_LIMIT", str(max(CELERY_TASK_TIME_LIMIT - 60, 1))))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", f"file://{DATA_DIR / 'celery-results'}")
if CELERY_RESULT_BACKEND.startswith("file://"):
    (DATA_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "refill-spare-schemas": {"task": "tenants.refill_spare_schemas", "schedule": 600.0},
    "expire-exchange-envelopes": {"task": "integrations.exchange.expire_envelopes", "schedule": 3600.0},
    "sweep-exchange-files": {
        "task": "integrations.exchange.sweep_orphan_documents",
        "schedule": crontab(hour=3, minute=15),
    },
    # EHC deadline reminders, each morning; the task spreads the organisations over half an hour.
    "ehc-reminders-daily": {"task": "ehc.send_reminders_everywhere", "schedule": crontab(hour=6, minute=0)},
    # Reminder emails the mail server refused are tried again, with back-off, each hour.
    "ehc-reminder-emails-retry": {"task": "ehc.email_owed_reminders_everywhere", "schedule": crontab(minute=40)},
    # Every organisation's reporting figures, nightly; the task spreads the schools over an hour.
    "refresh-reporting-nightly": {"task": "reporting.refresh_all", "schedule": crontab(hour=1, minute=30)},
    # Reporting refreshes the broker could not take, or whose worker was lost, are queued again.
    "make-good-reporting-refreshes": {"task": "reporting.make_good_refreshes", "schedule": 300.0},
    # MIS exports held for checking expire after an hour; each school sweeps its own.
    "sweep-held-imports": {"task": "send_core.sweep_held_imports_everywhere", "schedule": 3600.0},
    # Sealed document files left with no Document row (a worker killed before the commit), hourly.
    "sweep-orphan-documents": {"task": "send_core.sweep_orphan_documents_everywhere", "schedule": 3600.0},
    # Django never deletes expired sessions by itself.
    "clear-expired-sessions": {"task": "tenants.clear_expired_sessions", "schedule": crontab(hour=2, minute=45)},
}


# --- Secure exchange --------------------------------------------------------------------
# A clamd daemon (host:port or socket path) scans every document sent; without one, only the
# document types Cairn accepts get through. Refuse when clamd is set but unreachable unless told.
CAIRN_CLAMD = env("CAIRN_CLAMD")
CAIRN_CLAMD_TIMEOUT = float(env("CAIRN_CLAMD_TIMEOUT", "30"))
CAIRN_CLAMD_FAIL_OPEN = env_bool("CAIRN_CLAMD_FAIL_OPEN", False)
CAIRN_EXCHANGE_EXPIRY_DAYS = int(env("CAIRN_EXCHANGE_EXPIRY_DAYS", "60"))
# Uploads over this many bytes are refused before anything is stored.
CAIRN_DOCUMENT_MAX_BYTES = int(env("CAIRN_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# Uploads are held in memory up to that limit and never spooled to a plaintext temporary file.
FILE_UPLOAD_HANDLERS = ["send_platform.uploads.InMemoryUploadHandler"]

# --- Reporting ---------------------------------------------------------------------------
CAIRN_GRAPHQL_INTROSPECTION = env_bool("CAIRN_GRAPHQL_INTROSPECTION", not PRODUCTION)
CAIRN_REPORTING_DEBOUNCE_SECONDS = int(env("CAIRN_REPORTING_DEBOUNCE_SECONDS", "60"))
CAIRN_REPORTING_JITTER_SECONDS = int(env("CAIRN_REPORTING_JITTER_SECONDS", "3600"))
# Production never goes below 10 whatever this says (graphql/selectors.py).
CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS = int(env("CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS", "10"))

# --- Sentry: nothing personal leaves -------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_TRACES_SAMPLE_RATE = float(env("SENTRY_TRACES_SAMPLE_RATE", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "send_platform.log_formatting.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own console and mail handlers, which print the whole exception message
        # (and, run first, left that text for the redacting formatter to reuse).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}


def check_production_settings() -> None:
    """Refuse to run production with a development default left in place."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if not DATABASE_URL:
        problems.append("DATABASE_URL must point at a managed PostgreSQL")
    if CELERY_BROKER_URL.startswith("filesystem://"):
        problems.append("CELERY_BROKER_URL must point at Redis or RabbitMQ")
    if BASE_DOMAIN == "localhost":
        problems.append("BASE_DOMAIN must be the real domain")
    if not _cache_url:
        problems.append("CACHE_URL must point at Redis (sign-in links are single-use across processes)")
    # Length, estimated randomness, no published or placeholder value, master key != secret key.
    problems += production_secret_problems(SECRET_KEY, env("CAIRN_MASTER_KEY"))
    problems += old_master_key_problems(CAIRN_MASTER_KEYS_OLD, env("CAIRN_MASTER_KEY"))
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems) + ".")


# Older master keys, comma-separated, kept only until `manage.py rewrap_keys` has moved
# everything wrapped under them to CAIRN_MASTER_KEY (platform/crypto.py, infra/README.md).
CAIRN_MASTER_KEYS_OLD = [k.strip() for k in (env("CAIRN_MASTER_KEYS_OLD", "") or "").split(",") if k.strip()]

if PRODUCTION:
    check_production_settings()

# Documents and exchange payloads are encrypted under keys derived from this master key.
CAIRN_MASTER_KEY = env("CAIRN_MASTER_KEY") or SECRET_KEY

if SENTRY_DSN:
    from send_platform.sentry import init_sentry

    # Traces are scrubbed like errors (spans, transaction names), so sampling them is safe.
    init_sentry(SENTRY_DSN, environment=CAIRN_ENV, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
