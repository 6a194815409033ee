"""Production refuses to start with development defaults in place."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Fresh keys for every run, made as the operator notes say: no committed value is ever accepted.
SAFE_PRODUCTION = {
    "CAIRN_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "postgres://cairn@db.internal:5432/cairn",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "BASE_DOMAIN": "cairn.example.org",
    "CAIRN_MASTER_KEY": secrets.token_urlsafe(64),
    "CACHE_URL": "redis://redis.internal:6379/2",
}
# Variables the tests below set or remove; none is inherited from the calling environment.
_CONTROLLED = set(SAFE_PRODUCTION) | {"SENTRY_DSN", "CAIRN_MASTER_KEYS_OLD", "CAIRN_DATA_DIR"}


def _load_settings(extra_env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CONTROLLED}
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


# --- Production refuses weak and published secrets (platform/secrets_check.py) ------------


def _refused(result: subprocess.CompletedProcess, variable: str, rule: str, value: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} {rule}" in result.stderr
    # The message names the variable; the value itself never reaches a log (too short to search for: "x").
    if len(value) >= 8:
        assert value not in result.stderr and value not in result.stdout


def _compose_value(name: str) -> str:
    """The value infra/compose.yaml committed for `name` before it required real secrets."""
    return {
        "SECRET_KEY": "dev-only-secret-key-change-me-0000000000000000000000000000000000",
        "CAIRN_MASTER_KEY": "dev-only-master-key-change-me-000000000000000000000000000000000",
    }[name]


@pytest.mark.parametrize("variable", ["SECRET_KEY", "CAIRN_MASTER_KEY"])
@pytest.mark.parametrize(
    ("case", "rule"),
    [
        ("committed", "is a value published in the repository"),
        ("short", "must be at least 50 characters"),
        ("single-character", "must be at least 50 characters"),
        ("repeated", "is not random enough"),
        ("placeholder", "looks like a placeholder"),
    ],
)
def test_production_refuses_a_weak_or_published_secret(variable, case, rule):
    value = {
        "committed": _compose_value(variable),
        # Random, but 49 characters: one short of the rule.
        "short": secrets.token_urlsafe(64)[:49],
        "single-character": "x",
        "repeated": "ab" * 40,
        "placeholder": "please-change-me-" + secrets.token_urlsafe(64),
    }[case]
    result = _load_settings(dict(SAFE_PRODUCTION, **{variable: value}))
    _refused(result, variable, rule, value)


def test_production_refuses_a_missing_master_key():
    env = dict(SAFE_PRODUCTION)
    del env["CAIRN_MASTER_KEY"]
    result = _load_settings(env)
    assert result.returncode != 0
    assert "CAIRN_MASTER_KEY must be set" in result.stderr


def test_production_refuses_a_master_key_equal_to_the_secret_key():
    value = SAFE_PRODUCTION["SECRET_KEY"]
    result = _load_settings(dict(SAFE_PRODUCTION, CAIRN_MASTER_KEY=value))
    _refused(result, "CAIRN_MASTER_KEY", "must differ from SECRET_KEY", value)


def test_production_refuses_a_master_key_that_could_not_be_listed_as_an_old_key_later():
    value = secrets.token_urlsafe(40) + "," + secrets.token_urlsafe(40)
    result = _load_settings(dict(SAFE_PRODUCTION, CAIRN_MASTER_KEY=value))
    _refused(result, "CAIRN_MASTER_KEY", "must not contain a comma", value)


def test_an_old_master_key_may_be_weak_but_not_the_current_one():
    # A site moving off a weak key keeps it as an old key until `rewrap_keys` has run.
    weak = _compose_value("CAIRN_MASTER_KEY")
    assert _load_settings(dict(SAFE_PRODUCTION, CAIRN_MASTER_KEYS_OLD=weak)).returncode == 0
    current = SAFE_PRODUCTION["CAIRN_MASTER_KEY"]
    result = _load_settings(dict(SAFE_PRODUCTION, CAIRN_MASTER_KEYS_OLD=f"{weak},{current}"))
    _refused(result, "CAIRN_MASTER_KEYS_OLD", "must not repeat", current)


def test_refusing_to_start_never_starts_the_embedded_database(tmp_path):
    # No DATABASE_URL, so development would start PostgreSQL in the data folder: production must not.
    data_dir = tmp_path / "data"
    env = dict(SAFE_PRODUCTION, SECRET_KEY="x" * 50, CAIRN_DATA_DIR=str(data_dir))
    del env["DATABASE_URL"]
    result = _load_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY is not random enough" in result.stderr
    assert "DATABASE_URL must point at a managed PostgreSQL" in result.stderr
    assert not (data_dir / "pg").exists()
    assert [path for path in data_dir.rglob("*") if path.is_file()] == []  # no database, no key file
    assert "pgserver" not in result.stderr
    # And no PostgreSQL left running over that folder.
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            assert str(data_dir).encode() not in cmdline.read_bytes()
        except OSError:  # the process ended while we looked
            continue


def test_a_generated_key_passes_the_check():
    from send_platform.secrets_check import production_secret_problems, secret_problems

    assert secret_problems("SECRET_KEY", secrets.token_urlsafe(64)) == []
    assert secret_problems("SECRET_KEY", secrets.token_hex(32)) == []  # 16 letters, but 256 random bits
    assert production_secret_problems(secrets.token_urlsafe(64), secrets.token_urlsafe(64)) == []


@pytest.mark.parametrize(
    ("value", "bits"),
    [
        # Worked by hand: n characters each seen once carry log2(n) bits each, n·log2(n) in all.
        ("abcd", 8.0),
        ("x" * 60, 0.0),
        # Two letters, half each: 1 bit per character.
        ("ab" * 40, 80.0),
        # 64 distinct characters: 6 bits each, 384 bits.
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 384.0),
    ],
)
def test_the_entropy_estimate(value, bits):
    from send_platform.secrets_check import estimated_bits

    assert estimated_bits(value) == pytest.approx(bits)


def _infra_values() -> list[tuple[str, str]]:
    """Every `NAME: value` and `NAME=value` pair in infra/ and the operator notes."""
    import re

    pattern = re.compile(r"""\b([A-Z][A-Z0-9_]*(?:KEY|SECRET|PASSWORD)[A-Z0-9_]*)\s*[:=]\s*["']?([^\s"'#]+)""")
    files = [p for p in (ROOT / "infra").rglob("*") if p.is_file()] + sorted(ROOT.glob("*.md"))
    found = []
    for path in files:
        for name, value in pattern.findall(path.read_text(errors="replace")):
            found.append((f"{path.relative_to(ROOT)}: {name}", value))
    return found


def test_no_secret_written_in_infra_or_the_docs_passes_the_check():
    from send_platform.secrets_check import secret_problems

    values = _infra_values()
    names = {where.rsplit(": ", 1)[1] for where, _value in values}
    assert {"SECRET_KEY", "CAIRN_MASTER_KEY", "POSTGRES_PASSWORD"} <= names, "the pattern must find them in infra/"
    accepted = [where for where, value in values if not secret_problems("KEY", value)]
    assert accepted == []


def test_compose_requires_the_secrets_from_the_environment():
    compose = (ROOT / "infra" / "compose.yaml").read_text()
    for name in ("SECRET_KEY", "CAIRN_MASTER_KEY", "POSTGRES_PASSWORD"):
        assert f"${{{name}:?" in compose, name
