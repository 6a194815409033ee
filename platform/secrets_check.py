"""Judging the secrets production starts with: `SECRET_KEY` and the master keys.

Imported by the settings before anything else is set up (no Django, no database), so it uses only
the standard library. A problem names the variable and the rule it breaks, never the value.

The rules, and why:
- At least 50 characters: Django's own `get_random_secret_key()` makes 50; a key generated
  as the operator notes say (`secrets.token_urlsafe(64)`) has 86.
- At least 200 bits by a Shannon estimate (characters × the entropy per character of the
  value's own character frequencies). A per-character floor (say 4.5 bits) would refuse
  `secrets.token_hex(32)`, whose 16-letter alphabet can never pass 4 bits per character, yet
  that key holds 256 random bits; the total estimate accepts it (about 240) and every
  generator in common use, and refuses padded or repeated values ("x" * 60 estimates 0 bits,
  "dev-only-…-change-me-000…" about 170). It over-estimates prose, so the words operators use
  for placeholders are refused outright as well.
- Not a value that was ever committed to the repository or its documentation, and not
  containing a placeholder word ("change me", "replace me", "example", …).
- The master key differs from the secret key: the secret key signs sessions and may be
  rotated for that reason alone, and documents must not depend on it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

MIN_LENGTH = 50
MIN_ESTIMATED_BITS = 200

# Every secret value that appears (or appeared) in infra/, the docs or the test settings. A
# value here is known to anyone who can read the repository, so it protects nothing.
KNOWN_VALUES = frozenset(
    {
        "dev-only-secret-key-change-me-0000000000000000000000000000000000",
        "dev-only-master-key-change-me-000000000000000000000000000000000",
        "collectstatic-only-not-a-secret",
        "REPLACE_ME",
        "changeme",
        "change-me",
        "secret",
        "x" * 50,
        "m" * 44,
    }
)

# Words that mark a value someone meant to replace. Compared after dropping everything but
# letters, so "change-me", "CHANGE_ME" and "change me" are one word.
_PLACEHOLDER_WORDS = (
    "changeme",
    "replaceme",
    "replacewith",
    "placeholder",
    "notasecret",
    "devonly",
    "example",
    "insecure",
    "secretkey",
    "masterkey",
    "password",
)
_LETTERS_ONLY = re.compile(r"[^a-z]")


def estimated_bits(value: str) -> float:
    """Length × Shannon entropy per character, from the value's own character frequencies."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    per_character = -sum((n / total) * math.log2(n / total) for n in counts.values())
    return per_character * total


def secret_problems(name: str, value: str | None) -> list[str]:
    """What is wrong with the secret in the variable `name`; empty when it may be used in production."""
    if not value:
        return [f"{name} must be set"]
    problems = []
    letters = _LETTERS_ONLY.sub("", value.lower())
    if value in KNOWN_VALUES or value.strip().lower() in KNOWN_VALUES:
        problems.append(f"{name} is a value published in the repository; generate a new one")
    elif any(word in letters for word in _PLACEHOLDER_WORDS):
        problems.append(f"{name} looks like a placeholder; generate a real one")
    if len(value) < MIN_LENGTH:
        problems.append(f"{name} must be at least {MIN_LENGTH} characters")
    if estimated_bits(value) < MIN_ESTIMATED_BITS:
        problems.append(f"{name} is not random enough (under {MIN_ESTIMATED_BITS} bits estimated); generate it")
    return problems


def production_secret_problems(secret_key: str | None, master_key: str | None) -> list[str]:
    """Every problem with the secret key and the current master key, for the production start-up check."""
    problems = secret_problems("SECRET_KEY", secret_key) + secret_problems("CAIRN_MASTER_KEY", master_key)
    if secret_key and master_key and secret_key == master_key:
        problems.append("CAIRN_MASTER_KEY must differ from SECRET_KEY")
    if master_key and "," in master_key:
        # It could not be listed in CAIRN_MASTER_KEYS_OLD (comma-separated) when it is rotated out.
        problems.append("CAIRN_MASTER_KEY must not contain a comma")
    return problems


def old_master_key_problems(old_keys: Iterable[str], current: str | None) -> list[str]:
    """Older master keys are kept only to read what was wrapped under them, so weak ones are allowed
    (that is how a site moves off a weak key); they must not repeat the current key."""
    if current and current in set(old_keys):
        return ["CAIRN_MASTER_KEYS_OLD must not repeat the current CAIRN_MASTER_KEY"]
    return []
