"""Invitations: signed, expiring links that add a membership once."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tenants import services
from tenants.models import Invitation, Membership, User
from tests.factories import TEST_PASSWORD


@pytest.fixture
def public():
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


def _open(client, code, **fields):
    """What the invitation page does with the code from its link's fragment: POST it."""
    return client.post("/invitations/", {"code": code, **fields})


def _accept(client, code, **fields):
    return _open(client, code, accept="1", **fields)


def test_a_new_person_accepts_and_joins(public, school_a, member):
    senco = member(school_a, "senco")
    invitation = services.invite_member(
        organisation=school_a, email="New.Teacher@Example.org", role="teacher", invited_by=senco
    )
    code = services.invitation_token(invitation)
    page = _open(public, code)
    assert page.status_code == 200 and "Join Ashgrove Primary School" in page.content.decode()
    response = _accept(
        public, code, full_name="Nia Teacher", password="a-good-long-secret-7", password_again="a-good-long-secret-7"
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.teacher@example.org")
    assert Membership.objects.filter(user=user, organisation=school_a, role="teacher").exists()
    # The link is spent.
    again = _open(Client(HTTP_HOST=settings.BASE_DOMAIN), code)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_the_invitation_code_never_travels_in_an_address(public, member, client_for, school_a):
    senco = member(school_a, "senco")
    page = client_for(senco, school_a).post("/staff/", {"email": "ta@example.org", "role": "teaching_assistant"})
    # The link puts the code after '#', which browsers never send to a server or write to a log.
    [code] = re.findall(r"/invitations/#([A-Za-z0-9_-]+)", page.content.decode())
    opened = _open(public, code)
    assert opened.status_code == 200 and "Join Ashgrove Primary School" in opened.content.decode()
    # The old form of link, with the code in the path, is gone.
    assert public.get(f"/invitations/{code}/").status_code == 404
    page = public.get("/invitations/")
    assert page.status_code == 200 and code not in page.content.decode()


def test_a_link_forged_with_the_secret_key_opens_nothing(public, school_a):
    invitation = services.invite_member(organisation=school_a, email="v@example.org", role="teacher", invited_by=None)
    code = services.invitation_token(invitation)
    # What links were before: the invitation's id signed with SECRET_KEY, which anyone holding it can make.
    forged = signing.dumps({"invitation": invitation.pk}, salt="cairn.invitation")
    response = _accept(
        public, forged, full_name="Mallory", password="a-good-long-secret-7", password_again="a-good-long-secret-7"
    )
    assert response.status_code == 410 and "not valid" in response.content.decode()
    assert not User.objects.filter(email="v@example.org").exists()
    # Only the code's hash is kept.
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(code.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash__contains=code).exists()


def test_an_existing_person_accepts_with_their_password(public, school_a, member):
    person = member(school_a, "teacher")
    invitation = services.invite_member(organisation=school_a, email=person.email, role="governor", invited_by=None)
    code = services.invitation_token(invitation)
    wrong = _accept(public, code, password="not-the-password")
    assert wrong.status_code == 400 and "That password is not right." in wrong.content.decode()
    assert not Membership.objects.filter(user=person, role="governor").exists()
    assert _accept(public, code, password=TEST_PASSWORD).status_code == 302
    assert Membership.objects.filter(user=person, organisation=school_a, role="governor").exists()


def test_mismatched_passwords_re_show_the_form_with_the_name_kept(public, school_a):
    invitation = services.invite_member(organisation=school_a, email="x@example.org", role="teacher", invited_by=None)
    response = _accept(
        public,
        services.invitation_token(invitation),
        full_name="Kept Name",
        password="a-good-long-secret-7",
        password_again="different-secret-77",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The passwords do not match." in body and "Kept Name" in body
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_expired_invitation_says_so(public, school_a):
    invitation = services.invite_member(
        organisation=school_a, email="late@example.org", role="teacher", invited_by=None
    )
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = _open(public, services.invitation_token(invitation))
    assert response.status_code == 410


def test_a_tampered_link_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.invitation_from_token("eyJpbnZpdGF0aW9uIjoxfQ:tampered:sig")
    assert "not valid" in error.value.messages[0]


def test_roles_must_fit_the_organisation(school_a):
    with pytest.raises(ValidationError) as error:
        services.invite_member(organisation=school_a, email="c@example.org", role="caseworker", invited_by=None)
    assert "is not a role in a school" in str(error.value)


def test_a_senco_invites_from_the_staff_page_and_a_teacher_cannot(member, client_for, school_a):
    senco = member(school_a, "senco")
    response = client_for(senco, school_a).post("/staff/", {"email": "ta@example.org", "role": "teaching_assistant"})
    assert response.status_code == 200
    assert "/invitations/#" in response.content.decode()
    teacher = member(school_a, "teacher")
    page = client_for(teacher, school_a).get("/staff/")
    assert "Invite someone" not in page.content.decode()
    assert (
        client_for(teacher, school_a).post("/staff/", {"email": "y@example.org", "role": "teacher"}).status_code == 403
    )


def test_an_office_administrator_cannot_make_anyone_a_senco(member, client_for, school_a):
    admin = member(school_a, "school_admin")
    client = client_for(admin, school_a)
    page = client.get("/staff/").content.decode()
    assert 'value="governor"' in page and 'value="senco"' not in page and 'value="teacher"' not in page
    response = client.post("/staff/", {"email": admin.email, "role": "senco"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=admin, role="senco").exists()
    with pytest.raises(PermissionDenied):
        services.invite_member(organisation=school_a, email=admin.email, role="senco", invited_by=admin)


def test_a_senco_can_invite_any_school_role(member, school_a):
    senco = member(school_a, "senco")
    invitation = services.invite_member(
        organisation=school_a, email="h@example.org", role="headteacher", invited_by=senco
    )
    assert invitation.role == "headteacher"
