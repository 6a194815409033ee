"""No log line — web, worker or beat — carries a child's name, UPN or date of birth."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils.log import configure_logging
from send_platform.log_formatting import RedactingFormatter

ROOT = Path(__file__).resolve().parents[2]
UPN = "A1234567" + "89012"  # built from parts: the source text itself is not what is checked
NAME = "Amelia " + "Thornbury"
BORN = "2016-03-" + "04"
CHILD = (UPN, "Amelia", "Thornbury", BORN, "4 March 2016")


def _assert_no_child_details(text: str) -> None:
    for detail in CHILD:
        assert detail not in text, f"{detail!r} was logged:\n{text}"


# --- The formatter -------------------------------------------------------------------------------


def _format(msg, args, exc_info=None, name="send_core") -> str:
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, exc_info)
    return RedactingFormatter("%(message)s").format(record)


def test_arguments_that_could_describe_a_child_are_withheld():
    text = _format("Could not import %s (%s) born %s for pupil %d", (NAME, UPN, BORN, 42))
    _assert_no_child_details(text)
    assert text == "Could not import [withheld] ([withheld]) born [withheld] for pupil 42"


def test_celery_style_mapping_arguments_keep_task_names_and_ids_only():
    args = {
        "name": "send_core.tasks.import_pupils",
        "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "description": "raised unexpected",
        "exc": f"ValueError('{NAME} {UPN}')",
        "args": [NAME, UPN],
    }
    text = _format("Task %(name)s[%(id)s] %(description)s: %(exc)s %(args)s", args)
    _assert_no_child_details(text)
    assert text.startswith("Task send_core.tasks.import_pupils[0f8fad5b-d9cb-469f-a165-70867728950e]")


def test_request_lines_keep_the_path_but_not_the_query():
    text = _format('"%s" %s %s', (f"GET /pupils/?q={NAME.replace(' ', '+')} HTTP/1.1", "200", "5120"), name="x")
    assert text == '"GET /pupils/ HTTP/1.1" 200 5120'
    assert _format("%s: %s", ("Internal Server Error", "/pupils/12/")) == "Internal Server Error: /pupils/12/"


def test_details_written_into_the_message_itself_are_scrubbed():
    text = _format(f"Saved {UPN} born {BORN} for parent grace@example.org", None)
    _assert_no_child_details(text)
    assert "grace@example.org" not in text


def test_the_message_of_an_exception_logged_as_the_message_is_withheld():
    _assert_no_child_details(_format(ValueError(f"{NAME} {UPN}"), None))


def test_exception_text_cached_by_another_formatter_is_not_reused():
    try:
        raise ValueError(f"Could not save {NAME} ({UPN})")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Failed", None, sys.exc_info())
    logging.Formatter().format(record)  # Django's own console, in DEBUG, runs first and caches the text
    assert NAME in record.exc_text
    text = RedactingFormatter("%(message)s").format(record)
    _assert_no_child_details(text)
    assert "builtins.ValueError: [message withheld]" in text


# --- A web request that fails ----------------------------------------------------------------


@pytest.fixture
def console(settings):
    """Everything the configured console handlers write, in DEBUG as a developer runs Cairn."""
    settings.DEBUG = True
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    buffer = io.StringIO()
    handlers = {
        handler
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        if isinstance(logger, logging.Logger)
        for handler in logger.handlers
        if type(handler) is logging.StreamHandler  # pytest's own capture handlers are subclasses
    }
    assert handlers
    previous = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in previous.items():
        handler.setStream(stream)
    settings.DEBUG = False
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_a_failing_request_is_logged_without_the_childs_details(console, member, client_for, school_a, settings):
    settings.ROOT_URLCONF = "tests.platform.logging_urls"
    client = client_for(member(school_a, "senco"), school_a)
    client.raise_request_exception = False
    response = client.post(f"/pupils/fail/?name={NAME.replace(' ', '+')}", {"upn": UPN, "name": NAME, "dob": BORN})
    assert response.status_code == 500
    text = console.getvalue()
    assert "failing_pupil_view" in text and "builtins.ValueError: [message withheld]" in text
    _assert_no_child_details(text)


# --- Worker and beat, as real processes ------------------------------------------------------


def _run_celery(role: str, tmp_path: Path, wait_for: str, *extra: str) -> str:
    """Start `celery worker` or `celery beat` on a private broker folder, wait until `wait_for`
    appears in its output (or a minute passes), stop it and return everything it printed."""
    output = tmp_path / f"{role}.log"
    env = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    env.update(CAIRN_LOG_PROBE_DIR=str(tmp_path / "broker"), CAIRN_LOG_PROBE_ROLE=role)
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.platform.log_probe", role, "-l", "INFO", *extra],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and process.poll() is None:
                if wait_for in output.read_text():
                    time.sleep(1)  # let it finish the lines it is writing
                    break
                time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return output.read_text()


def test_a_worker_logs_a_failing_task_without_the_childs_details(tmp_path):
    text = _run_celery("worker", tmp_path, "builtins.ValueError", "--pool", "solo", "--without-heartbeat")
    assert "builtins.ValueError: [message withheld]" in text, text  # it did fail, and said where
    assert "fail_naming_a_child" in text
    _assert_no_child_details(text)


def test_beat_logs_a_failed_send_without_the_childs_details(tmp_path):
    text = _run_celery("beat", tmp_path, "builtins.ValueError", "--schedule", str(tmp_path / "beat-schedule"))
    assert "builtins.ValueError: [message withheld]" in text, text
    assert "refuse_to_publish_from_beat" in text
    _assert_no_child_details(text)
