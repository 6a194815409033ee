"""Console logs keep where a failure happened, never the message that may name a child."""

import logging
import sys

from send_platform.log_formatting import RedactingFormatter


def test_the_message_is_withheld_and_the_frames_kept():
    upn, name = "A1234567" + "89012", "Amelia " + "Thornbury"  # as data, not as source text
    try:
        try:
            raise KeyError(upn)
        except KeyError as inner:
            raise ValueError(f'Key (upn)=({upn}) already exists for "{name}"') from inner
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, sys.exc_info()
        )
    text = RedactingFormatter("%(message)s").format(record)
    assert "A123456789012" not in text and "Amelia" not in text
    assert "builtins.ValueError: [message withheld]" in text
    assert "(from builtins.KeyError)" in text
    assert "test_the_message_is_withheld_and_the_frames_kept" in text


def test_settings_use_it_for_the_console():
    from django.conf import settings

    assert settings.LOGGING["formatters"]["plain"]["()"].endswith("RedactingFormatter")
