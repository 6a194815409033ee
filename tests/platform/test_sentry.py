"""What reaches Sentry says where it failed and for which organisation, and nothing about a child."""

import json

import pytest
import sentry_sdk
from send_platform.sentry import init_sentry, scrub_event
from sentry_sdk.transport import Transport

CHILD = ("Amelia", "Thornbury", "2016-03-04", "4 March 2016", "A123456789012", "parent@example.org")


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def sentry():
    transport = CapturingTransport()
    init_sentry("https://public@sentry.example.org/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a disabled client


def _events(transport):
    sentry_sdk.flush()
    events = []
    for envelope in transport.envelopes:
        for item in envelope.items:
            if item.type == "event":
                events.append(item.payload.json)
    return events


def test_an_error_in_a_view_holding_a_childs_details_reaches_sentry_without_them(
    sentry, member, client_for, school_a, settings
):
    settings.ROOT_URLCONF = "tests.platform.sentry_urls"
    senco = member(school_a, "senco", email="senco.sentry@example.org", full_name="Sally Senco")
    client = client_for(senco, school_a)
    client.raise_request_exception = False
    response = client.post(
        "/pupils/fail/?name=Amelia+Thornbury",
        {"upn": "A123456789012", "name": "Amelia Thornbury", "dob": "2016-03-04", "parent": "parent@example.org"},
    )
    assert response.status_code == 500
    events = _events(sentry)
    assert len(events) == 1
    event = events[0]
    text = json.dumps(event)
    for detail in (*CHILD, "Sally Senco", "senco.sentry@example.org"):
        assert detail not in text, detail
    # Still useful: the exception type, the failing function, and the organisation.
    assert event["exception"]["values"][0]["type"] == "ValueError"
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert any(frame["function"] == "failing_pupil_view" for frame in frames)
    assert all("vars" not in frame for frame in frames)
    assert event["tags"]["organisation"] == "ashgrove"
    assert "request" not in event and "user" not in event and "breadcrumbs" not in event


def test_the_scrubber_drops_unknown_keys_and_filters_nested_personal_data():
    event = {
        "event_id": "1",
        "extra": {"pupil": "Amelia"},
        "user": {"email": "a@example.org"},
        "contexts": {"runtime": {"name": "CPython", "note": "Amelia 2016-03-04"}, "pupil": {"name": "Amelia"}},
        "tags": {"organisation": "ashgrove", "child_name": "Amelia"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "Amelia",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "f",
                                "vars": {"name": "Amelia"},
                                "context_line": "name = 'Amelia'",
                                "lineno": 3,
                            }
                        ]
                    },
                }
            ]
        },
    }
    clean = scrub_event(event)
    assert "Amelia" not in json.dumps(clean) and "a@example.org" not in json.dumps(clean)
    assert clean["tags"] == {"organisation": "ashgrove"}
    assert clean["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f", "lineno": 3}]


@pytest.mark.parametrize("dsn, active", [("", "False"), ("https://public@sentry.example.org/1", "True")])
def test_sentry_starts_only_when_a_dsn_is_set(dsn, active):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, SENTRY_DSN=dsn)
    probe = "import send_platform.settings, sentry_sdk; print(sentry_sdk.get_client().is_active())"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == active, result.stderr
