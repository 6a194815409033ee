"""With tracing on, nothing about a child reaches Sentry: not in spans, transaction names,
fingerprints, mechanism data or contexts, and not from Celery workers either."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from send_platform.sentry import init_sentry, scrub_event, scrub_transaction_name

from tests.platform.test_sentry import CapturingTransport
from tests.send_core.factories import PupilFactory

UPN = "A1234567" + "89012"
NAME = "Amelia " + "Thornbury"
BORN = "2016-03-" + "04"
ROOT = Path(__file__).resolve().parents[2]
CHILD = (UPN, "Amelia", "Thornbury", BORN, "4 March 2016", "parent@example.org")


@pytest.fixture
def sentry():
    transport = CapturingTransport()
    init_sentry("https://public@sentry.example.org/1", environment="test", transport=transport, traces_sample_rate=1.0)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()


def _items(transport) -> dict[str, list[dict]]:
    sentry_sdk.flush()
    found: dict[str, list[dict]] = {"event": [], "transaction": []}
    for envelope in transport.envelopes:
        for item in envelope.items:
            if item.type in found:
                found[item.type].append(item.payload.json)
    return found


def _assert_nothing_about_the_child(payloads: list[dict]) -> None:
    text = json.dumps(payloads)
    for detail in CHILD:
        assert detail not in text, detail


def _wsgi_get(client: Client, path: str, host: str, method: str = "GET", data=None):
    """A request through Django's real WSGI handler, where Sentry starts its transaction (the test
    client bypasses it), on the test's own database connection."""
    factory = RequestFactory()
    cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
    maker = factory.post if method == "POST" else factory.get
    environ = maker(path, data or {}, HTTP_HOST=host, HTTP_COOKIE=cookie).environ
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        statuses = []
        body = b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0], body


def test_a_traced_request_and_a_failure_reach_sentry_without_the_childs_details(
    sentry, school_a, school_b, member, client_for, in_schema, settings
):
    settings.ROOT_URLCONF = "tests.platform.sentry_urls"
    with in_schema(school_a):
        pupil = PupilFactory(legal_first_name="Amelia", last_name="Thornbury", upn=UPN)
    host = school_a.get_primary_domain().domain
    client = client_for(member(school_a, "senco"), school_a)

    status, body = _wsgi_get(client, f"/pupils/{pupil.pk}/?q=Amelia+Thornbury", host)
    assert status.startswith("200") and b"Thornbury" in body  # the page did hold the child's name
    status, _ = _wsgi_get(client, f"/pupils/fail/?name=Amelia&upn={UPN}&dob={BORN}", host)
    assert status.startswith("500")

    found = _items(sentry)
    assert found["event"] and len(found["transaction"]) >= 2
    _assert_nothing_about_the_child(found["event"] + found["transaction"])
    page = next(
        t for t in found["transaction"] if t["transaction"].startswith("/pupils/") and "fail" not in t["transaction"]
    )
    assert str(pupil.pk) not in page["transaction"]  # a route, not an address with the pupil's id
    assert page["spans"], "tracing was on: the page's spans were sent"
    assert all(
        set(span.get("data", {}))
        <= {"thread.id", "thread.name", "db.system", "http.response.status_code", "code.function"}
        for span in page["spans"]
    )

    # Another school's SENCO is refused the same record, and that response carries nothing either.
    other = client_for(member(school_b, "senco"), school_b)
    status, body = _wsgi_get(other, f"/pupils/{pupil.pk}/", school_b.get_primary_domain().domain)
    assert status.startswith("404") and b"Thornbury" not in body


def test_the_scrubber_covers_spans_fingerprint_mechanism_data_contexts_and_the_transaction_tag():
    event = {
        "type": "transaction",
        "transaction": f"/pupils/{UPN}/born/{BORN}/?name=Amelia",
        "fingerprint": ["{{ default }}", NAME, "send_core.import"],
        "tags": {"transaction": "/pupils/12345/?q=Amelia", "organisation": "ashgrove"},
        "contexts": {
            "trace": {"op": "http.server", "description": f"GET /pupils/?q={NAME}", "data": {"url": "Amelia"}},
            "celery": {"task_name": "send_core.x", "args": [NAME], "kwargs": {"upn": UPN}},
            "runtime": {"name": "CPython"},
        },
        "spans": [
            {
                "op": "db",
                "description": f"SELECT 1 WHERE name = '{NAME}'",
                "data": {"db.params": [UPN], "db.system": "postgresql"},
            },
            {"op": "http.client", "description": "GET https://x.example.org/?upn=" + UPN, "tags": {"child": NAME}},
        ],
        "exception": {
            "values": [
                {"type": "ValueError", "mechanism": {"type": "celery", "handled": False, "data": {"args": NAME}}}
            ]
        },
    }
    clean = scrub_event(event)
    _assert_nothing_about_the_child([clean])
    assert clean["fingerprint"] == ["{{ default }}", "[Filtered]", "send_core.import"]
    assert clean["transaction"] == "/pupils/{value}/born/{value}/"
    assert clean["tags"]["transaction"] == "/pupils/{value}/"
    assert clean["exception"]["values"][0]["mechanism"] == {"type": "celery", "handled": False}
    assert clean["spans"][0]["data"] == {"db.system": "postgresql"}
    assert clean["contexts"]["celery"] == {"task_name": "send_core.x"}
    assert scrub_transaction_name("send_core.tasks.import_pupils") == "send_core.tasks.import_pupils"


# --- A real worker process, reporting to a Sentry stand-in over HTTP -----------------------------


class _Collector(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        lines = body.split(b"\n")
        # An envelope: its header, then for each item a header and a payload.
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            kind = json.loads(header).get("type")
            if kind in ("event", "transaction"):
                self.received.append({"type": kind, "payload": json.loads(payload)})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_a_worker_process_sends_its_failure_and_trace_without_the_childs_details(tmp_path):
    _Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(
        os.environ,
        SENTRY_DSN=f"http://public@127.0.0.1:{server.server_address[1]}/1",
        SENTRY_TRACES_SAMPLE_RATE="1.0",
        CAIRN_LOG_PROBE_DIR=str(tmp_path / "broker"),
        CAIRN_LOG_PROBE_ROLE="worker",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.platform.log_probe", "worker", "--pool", "solo", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            kinds = {item["type"] for item in _Collector.received}
            if {"event", "transaction"} <= kinds:
                break
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        server.shutdown()
    payloads = [item["payload"] for item in _Collector.received]
    errors = [p for p in payloads if p.get("exception")]
    assert errors and errors[0]["exception"]["values"][0]["type"] == "ValueError", payloads
    assert any(p.get("transaction") == "tests.log_probe.fail_naming_a_child" for p in payloads), payloads
    _assert_nothing_about_the_child(payloads)
