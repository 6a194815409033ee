"""The demo's EHC work: plans for pupils at that stage, a request waiting, open cases on the clock; twice is once."""

from __future__ import annotations

import pytest

from integrations.exchange.models import Envelope
from send_core.demo import seed_demo_pupils
from send_core.ehc.demo import school_plan_copy, seed_demo_ehc
from send_core.ehc.models import EhcCase, EhcPlan, EhcRequest
from send_core.models import RegisterEntry

pytestmark = pytest.mark.django_db


def test_demo_ehc(in_schema, school_a, school_b, la, member):
    for school, prefix in ((school_a, "millbrook"), (school_b, "oakfield")):
        member(school, "senco", email=f"senco.{prefix}@demo.cairn.test")
        member(school, "teacher", email=f"teacher.{prefix}@demo.cairn.test")
    member(la, "sen_manager", email="sen.manager@demo.cairn.test")
    member(la, "caseworker", email="caseworker@demo.cairn.test", full_name="Tom Hollis")
    organisations = {"millbrook": school_a, "oakfield": school_b, "westmere": la}
    seed_demo_pupils(organisations, ehc_plan_copy=school_plan_copy)
    seed_demo_ehc(organisations)
    seed_demo_ehc(organisations)

    with in_schema(school_a):
        on_ehc = RegisterEntry.objects.filter(census_code="E", ended_on__isnull=True).count()
        assert on_ehc >= 2
        assert EhcPlan.objects.filter(status="final").count() == on_ehc
        assert EhcRequest.objects.get().status == "submitted"
    waiting = Envelope.objects.get(sender=school_a, recipient=la, kind="ehc_request")
    with in_schema(la):
        assert not EhcCase.objects.filter(request_envelope_id=waiting.pk).exists()
        open_cases = EhcCase.objects.filter(request_envelope_id__isnull=False)
        assert open_cases.count() == 1
        assert open_cases.get().status == "assessing"
        assert open_cases.get().advice_requests.count() == 2
        assert EhcCase.objects.filter(status="plan_issued").count() >= on_ehc
