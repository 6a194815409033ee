"""Signing in: passwords (argon2), throttled failures, two factors when required."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client, override_settings

from tenants.models import AuthenticatorDevice, User
from tests.factories import TEST_PASSWORD
from tests.tenants.second_factor import code_for


@pytest.fixture
def public():
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


def _sign_in(client, email, password, **extra):
    return client.post("/sign-in/", {"email": email, "password": password, **extra})


def test_passwords_are_stored_with_argon2(db):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user = User.objects.create_user("argon@example.org", "a-strong-password-9", full_name="A")
        assert user.password.startswith("argon2$")
        assert user.check_password("a-strong-password-9")
    import send_platform.settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_member_of_one_school_lands_on_it(public, member, school_a):
    senco = member(school_a, "senco")
    response = _sign_in(public, senco.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{school_a.slug}/go/"


def test_a_member_of_several_organisations_chooses(public, member, school_a, trust):
    person = member(school_a, "governor")
    from tests.factories import MembershipFactory

    MembershipFactory(user=person, organisation=trust, role="send_lead")
    assert _sign_in(public, person.email, TEST_PASSWORD)["Location"] == "/organisations/"
    body = public.get("/organisations/").content.decode()
    assert "Ashgrove Primary School" in body and "Northway Trust" in body
    assert "Birchwood" not in body


def test_next_on_an_organisation_host_goes_back_there(public, member, school_a):
    senco = member(school_a, "senco")
    response = _sign_in(public, senco.email, TEST_PASSWORD, next=f"http://ashgrove.{settings.BASE_DOMAIN}/staff/")
    assert response["Location"] == f"/organisations/{school_a.slug}/go/?next=/staff/"


def test_next_to_another_site_is_ignored(public, member, school_a):
    senco = member(school_a, "senco")
    response = _sign_in(public, senco.email, TEST_PASSWORD, next="https://evil.example.com/")
    assert "evil" not in response["Location"]


def test_a_wrong_password_is_refused_with_a_message_and_keeps_the_email(public, member, school_a):
    senco = member(school_a, "senco")
    response = _sign_in(public, senco.email, "not-the-password")
    assert response.status_code == 400
    body = response.content.decode()
    assert "The email address or password is not right." in body
    assert senco.email in body
    assert "_auth_user_id" not in public.session


def test_repeated_failures_lock_the_account_out_from_that_address(public, member, school_a):
    senco = member(school_a, "senco")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(public, senco.email, "wrong-password")
    # Even the right password is refused while locked out.
    response = _sign_in(public, senco.email, TEST_PASSWORD)
    assert response.status_code in (403, 429)
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in public.session


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _require_two_factor(self, settings):
        settings.CAIRN_REQUIRE_2FA = True

    def test_staff_without_a_second_factor_cannot_reach_their_school(self, member, client_for, school_a):
        senco = member(school_a, "senco")
        response = client_for(senco, school_a).get("/")
        assert response.status_code == 302
        assert "/two-factor/" in response["Location"]

    def test_setting_up_and_using_an_authenticator(self, public, member, school_a):
        senco = member(school_a, "senco")
        response = _sign_in(public, senco.email, TEST_PASSWORD)
        assert response["Location"].startswith("/two-factor/")
        # A first device needs more than the password: a link emailed to the person.
        public.post("/two-factor/email-link/")
        code = mail.outbox[-1].body.split("/two-factor/enrol/#", 1)[1].split()[0]
        public.post("/two-factor/enrol/", {"code": code})
        page = public.get("/two-factor/")
        assert "Set up your authenticator app" in page.content.decode()
        device = AuthenticatorDevice.objects.get(user=senco)
        assert not device.confirmed
        right_code = code_for(device)
        wrong = public.post("/two-factor/", {"token": "000000" if right_code != "000000" else "111111"})
        assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
        device.refresh_from_db()
        assert device.throttling_failure_count == 1  # wrong codes slow further guesses down
        device.throttle_reset()
        right = public.post("/two-factor/", {"token": code_for(device)})
        assert right.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        # The verified session is carried to the school, which now lets the SENCO in.
        go = public.get(right["Location"])
        school_host = go["Location"].split("/")[2]
        school = Client(HTTP_HOST=school_host)
        school.get(go["Location"].split(school_host, 1)[1])
        assert school.get("/").status_code == 200


def test_a_hash_made_elsewhere_still_checks(db):
    user = User.objects.create(
        email="pbkdf2@example.org", full_name="P", password=make_password("x" * 12, hasher="pbkdf2_sha256")
    )
    assert user.check_password("x" * 12)


def test_operator_pages_need_the_second_factor_when_required(platform_org, settings):
    from tests.factories import MembershipFactory, UserFactory

    settings.CAIRN_REQUIRE_2FA = True
    operator = UserFactory()
    MembershipFactory(user=operator, organisation=platform_org, role="operator")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(operator)
    for path in ("/operator/organisations/", "/organisations/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/two-factor/"), path
