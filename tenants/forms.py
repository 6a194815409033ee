from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from .models import YEAR_GROUPS, Organisation, Phase
from .roles import ROLES_BY_KIND, OrganisationKind, Role, grantable_roles
from .validators import validate_name


class SignInForm(forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\d{6}$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class LinkCodeForm(forms.Form):
    """The code of an emailed link, sent by POST (the link carries it after '#')."""

    code = forms.CharField(
        label="Code from the link",
        max_length=200,
        strip=True,
        help_text="Filled in for you when you open the link; otherwise paste everything after the # in the link.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExistingAccountForm(forms.Form):
    password = forms.CharField(
        label="Your Cairn password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150, validators=[validate_name])
    password = forms.CharField(label="Choose a password", strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label="Type the password again", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The passwords do not match.")
        elif data.get("password"):
            try:
                password_validation.validate_password(data["password"])
            except ValidationError as error:
                self.add_error("password", error)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, organisation: Organisation, inviter_roles: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_KIND[organisation.kind] & grantable_roles(inviter_roles)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in allowed]


class ProvisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[(k.value, k.label) for k in OrganisationKind if k != OrganisationKind.PLATFORM],
    )
    name = forms.CharField(label="Name", max_length=200, validators=[validate_name])
    slug = forms.SlugField(
        label="Web address", help_text="Lower-case letters, digits and hyphens: becomes <slug>.<domain>"
    )
    urn = forms.CharField(label="URN", required=False, max_length=6)
    la_code = forms.CharField(label="LA code", required=False, max_length=3)
    establishment_number = forms.CharField(label="Establishment number", required=False, max_length=4)
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Not a school")] + list(Phase.choices))
    # The school's age range says which year group moves phase, and so its EHC plans' transfer dates.
    first_year_group = forms.ChoiceField(
        label="Youngest year group", required=False, choices=[("", "The usual for its phase")] + list(YEAR_GROUPS)
    )
    last_year_group = forms.ChoiceField(
        label="Oldest year group", required=False, choices=[("", "The usual for its phase")] + list(YEAR_GROUPS)
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority",
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
    )
    trust = forms.ModelChoiceField(
        label="Trust (academies only)",
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.TRUST),
    )
    first_member_email = forms.EmailField(
        label="First member's email", help_text="They are invited as SENCO, SEND lead or SEN manager."
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Organisation.objects.filter(slug=slug).exists():
            raise ValidationError("An organisation already uses this web address.")
        return slug
