"""One rule on every surface: with the second factor required, a session that has passed only the
password is refused by pages, REST, the exchange and CTF APIs, GraphQL and downloads alike; a
verified one passes; a personal token is its own credential."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from send_core.models import Document, NCYear
from tenants.tokens import issue_api_token
from tests.send_core.factories import PupilFactory
from tests.tenants.second_factor import code_for, enrol, verify

SECOND_FACTOR_REASON = "second factor"


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.CAIRN_REQUIRE_2FA = True


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


@pytest.fixture
def pupil(school_a, in_schema):
    with in_schema(school_a):
        return PupilFactory(legal_first_name="Zebedee", nc_year=NCYear.Y6)


@pytest.fixture
def senco(member, school_a):
    return member(school_a, "senco")


@pytest.fixture
def unverified(senco, client_for, school_a):
    return client_for(senco, school_a)


@pytest.fixture
def verified(senco, client_for, school_a):
    return verify(client_for(senco, school_a), enrol(senco))


def _graphql(client):
    return client.post("/graphql/", json.dumps({"query": "{ metrics { key } }"}), content_type="application/json")


def _assert_api_refusal(response, reason_in="detail"):
    assert response.status_code == 403
    body = response.json()
    message = body["detail"] if reason_in == "detail" else body["errors"][0]["message"]
    assert SECOND_FACTOR_REASON in message


def test_pages_send_an_unverified_session_to_the_second_factor(unverified, verified):
    response = unverified.get("/pupils/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"http://{settings.BASE_DOMAIN}") and "/two-factor/" in response["Location"]
    assert verified.get("/pupils/").status_code == 200


def test_the_rest_api_refuses_an_unverified_session(unverified, verified, pupil):
    response = unverified.get("/api/v1/pupils/")
    _assert_api_refusal(response)
    assert "Zebedee" not in response.content.decode()
    # Writes too.
    write = unverified.post("/api/v1/pupils/", {"legal_first_name": "X"}, content_type="application/json")
    assert write.status_code == 403
    answer = verified.get("/api/v1/pupils/")
    assert answer.status_code == 200 and "Zebedee" in answer.content.decode()


def test_the_exchange_api_refuses_an_unverified_session(unverified, verified):
    _assert_api_refusal(unverified.get("/exchange/api/envelopes/"))
    assert verified.get("/exchange/api/envelopes/").status_code == 200


def test_the_ctf_api_refuses_an_unverified_session(unverified, verified, pupil):
    refused = unverified.get("/ctf/api/export/", {"nc_year": "6"})
    _assert_api_refusal(refused)
    assert b"Zebedee" not in refused.content
    answer = verified.get("/ctf/api/export/", {"nc_year": "6"})
    assert answer.status_code == 200 and b"Zebedee" in answer.content


def test_graphql_refuses_an_unverified_session(unverified, verified):
    _assert_api_refusal(_graphql(unverified), reason_in="errors")
    answer = _graphql(verified)
    assert answer.status_code == 200 and answer.json()["data"]["metrics"]


def test_a_document_download_needs_the_second_factor(unverified, verified, pupil, storage, school_a, in_schema):
    upload = verified.post(
        f"/pupils/{pupil.pk}/documents/new/",
        {"title": "SALT report", "kind": "report", "file": SimpleUploadedFile("r.txt", b"Zebedee's report\n" * 5)},
    )
    assert upload.status_code == 302
    with in_schema(school_a):
        document = Document.objects.get(pupil=pupil)
    refused = unverified.get(f"/documents/{document.pk}/download/")
    assert refused.status_code == 302 and "/two-factor/" in refused["Location"]
    answer = verified.get(f"/documents/{document.pk}/download/")
    assert answer.status_code == 200 and b"Zebedee" in b"".join(answer.streaming_content)


def test_drf_refuses_an_unverified_session_even_without_the_middleware(settings, unverified, pupil):
    # The REST API's own session authentication applies the rule: no view can skip it.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "tenants.middleware.MembershipMiddleware"]
    for path in ("/api/v1/pupils/", "/exchange/api/envelopes/", "/ctf/api/export/?nc_year=6"):
        response = unverified.get(path)
        assert response.status_code == 403, path
        assert SECOND_FACTOR_REASON in response.json()["detail"], path


def test_a_personal_token_is_judged_by_its_own_rule(senco, school_a, pupil):
    # A token is a credential of its own (made by a verified person); no session is involved.
    client = Client(HTTP_HOST=school_a.get_primary_domain().domain)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue_api_token(user=senco).key}"
    response = client.get("/api/v1/pupils/")
    assert response.status_code == 200 and "Zebedee" in response.content.decode()


def test_a_verified_member_of_another_school_sees_nothing_here(member, client_for, school_a, school_b, pupil):
    stranger = member(school_b, "senco")
    client = verify(client_for(stranger, school_a), enrol(stranger))
    for path in ("/pupils/", "/api/v1/pupils/", "/ctf/api/export/?nc_year=6"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"Zebedee" not in response.content, path
    assert _graphql(client).status_code == 403


def test_the_base_domain_asks_for_the_code_before_choosing_an_organisation(senco, school_a):
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(senco)
    response = client.get(f"/organisations/{school_a.slug}/go/")
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/")


class TestAConfirmedDeviceIsAlwaysAsked:
    """Where the second factor is not required, a person who has an authenticator still gives its code."""

    @pytest.fixture(autouse=True)
    def _not_required(self, settings):
        settings.CAIRN_REQUIRE_2FA = False

    def test_choosing_an_organisation_asks_for_the_code(self, senco, school_a):
        device = enrol(senco)
        client = Client(HTTP_HOST=settings.BASE_DOMAIN)
        client.force_login(senco)
        go = client.get(f"/organisations/{school_a.slug}/go/")
        assert go.status_code == 302 and go["Location"].startswith("/two-factor/")
        # After the code, the same address hands the person over.
        assert client.post("/two-factor/", {"token": code_for(device)}).status_code == 302
        go = client.get(f"/organisations/{school_a.slug}/go/")
        assert go.status_code == 302 and "/auth/handoff/" in go["Location"]

    def test_an_organisation_host_asks_for_the_code_too(self, senco, client_for, school_a, pupil):
        enrol(senco)
        client = client_for(senco, school_a)
        assert "/two-factor/" in client.get("/pupils/")["Location"]
        _assert_api_refusal(client.get("/api/v1/pupils/"))

    def test_someone_without_a_device_carries_on_with_the_password(self, senco, client_for, school_a):
        assert client_for(senco, school_a).get("/pupils/").status_code == 200

    def test_signing_in_with_a_device_asks_for_its_code(self, senco):
        enrol(senco)
        client = Client(HTTP_HOST=settings.BASE_DOMAIN)
        from tests.factories import TEST_PASSWORD

        response = client.post("/sign-in/", {"email": senco.email, "password": TEST_PASSWORD})
        assert response["Location"].startswith("/two-factor/")
        assert client.get("/organisations/").status_code == 302


def test_a_view_naming_drfs_own_session_class_still_meets_the_rule(senco, school_a):
    # IsMemberHere asks the rule too, so a view that sets authentication_classes cannot skip it.
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from tenants.api import IsMemberHere
    from tenants.sessions import SESSION_HOST_KEY

    class Figures(APIView):
        authentication_classes = [DrfSessionAuthentication]
        permission_classes = [IsMemberHere]

        def get(self, request):
            return Response({"ok": True})

    host = school_a.get_primary_domain().domain
    request = RequestFactory().get("/api/v1/figures/", HTTP_HOST=host)
    request.tenant = school_a
    request.session = SessionStore()
    request.session[SESSION_HOST_KEY] = host
    request.user = senco
    senco.is_verified = lambda: False
    response = Figures.as_view()(request)
    assert response.status_code == 403 and SECOND_FACTOR_REASON in response.data["detail"]
    senco.is_verified = lambda: True
    assert Figures.as_view()(request).status_code == 200
