"""Two "start EHC request" clicks at once end on the one draft, never in a server error."""

from __future__ import annotations

import pytest

from send_core.ehc.models import EhcRequest, RequestStatus
from send_core.ehc.requests import services as request_acts

from ..conftest import make_ready_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture
def racing_click(monkeypatch):
    """The other click's draft is not yet committed when this click checks, and is by the time it inserts.

    Until this click inserts, its look-ups for the pupil's requests see nothing (the other
    transaction is still open); its insert then meets the other draft's unique index.
    """

    def arm(other_draft: EhcRequest) -> None:
        manager = EhcRequest.objects
        real_filter, real_create = manager.filter, manager.create
        inserted = []

        def filter_(*args, **kwargs):
            found = real_filter(*args, **kwargs)
            return found if inserted else found.exclude(pk=other_draft.pk)

        def create(**fields):
            inserted.append(True)
            return real_create(**fields)

        monkeypatch.setattr(manager, "filter", filter_)
        monkeypatch.setattr(manager, "create", create)

    return arm


def test_the_second_of_two_racing_starts_gets_the_first_draft(in_schema, school_a, people, racing_click):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        first = request_acts.start_ehc_request(pupil, started_by=people.senco)
        racing_click(first)
        second = request_acts.start_ehc_request(pupil, started_by=people.head)
        assert second.pk == first.pk
        assert EhcRequest.objects.filter(pupil=pupil, status=RequestStatus.DRAFT).count() == 1


def test_racing_start_clicks_on_the_page_both_land_on_the_request(
    in_schema, school_a, school_b, people, client_for, racing_click
):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        first = request_acts.start_ehc_request(pupil, started_by=people.senco)
    racing_click(first)
    response = client_for(people.head, school_a).post(f"/pupils/{pupil.pk}/ehc/request/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{first.pk}/")
    # The other school cannot start (or see) a request for this pupil.
    refused = client_for(people.senco_b, school_b).post(f"/pupils/{pupil.pk}/ehc/request/")
    assert refused.status_code in (403, 404)
    with in_schema(school_b):
        assert not EhcRequest.objects.exists()


def test_two_starts_one_after_the_other_share_the_draft(in_schema, school_a, people):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        first = request_acts.start_ehc_request(pupil, started_by=people.senco)
        assert request_acts.start_ehc_request(pupil, started_by=people.head).pk == first.pk
