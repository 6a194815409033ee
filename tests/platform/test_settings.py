"""Production refuses to start with development defaults in place."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

SAFE_PRODUCTION = {
    "CAIRN_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://cairn@db.internal:5432/cairn",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "BASE_DOMAIN": "cairn.example.org",
    "CAIRN_MASTER_KEY": "m" * 44,
    "CACHE_URL": "redis://redis.internal:6379/2",
}


def _load_settings(extra_env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SAFE_PRODUCTION and k != "SENTRY_DSN"}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import send_platform.settings as s; print('loaded', s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_safe_production_settings_load():
    result = _load_settings(SAFE_PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "loaded False True" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    env = dict(SAFE_PRODUCTION)
    del env["SECRET_KEY"]
    result = _load_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_unsafe_defaults_names_every_problem():
    env = dict(SAFE_PRODUCTION, DEBUG="1", BASE_DOMAIN="localhost")
    del env["CELERY_BROKER_URL"]
    result = _load_settings(env)
    assert result.returncode != 0
    for problem in ("DEBUG must be off", "CELERY_BROKER_URL", "BASE_DOMAIN"):
        assert problem in result.stderr


def test_keys_are_big_integers_and_cache_keys_carry_the_schema():
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"


def test_development_secret_key_is_generated_once_and_kept():
    key_file = Path(settings.DATA_DIR) / "secret_key"
    assert key_file.exists()
    assert key_file.read_text().strip() == settings.SECRET_KEY or os.environ.get("SECRET_KEY")
