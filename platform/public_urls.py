"""URLs on the base domain: sign-in, choosing an organisation, invitations, operators."""

from django.urls import include, path
from send_platform import views as platform_views
from send_platform.favicon import favicon

from tenants import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/email-link/", views.email_enrolment_link, name="two-factor-email-link"),
    path("two-factor/enrol/", views.redeem_enrolment_link, name="two-factor-enrol"),
    path("organisations/", views.choose_organisation, name="choose-organisation"),
    path("organisations/<slug:slug>/go/", views.go_to_organisation, name="go-to-organisation"),
    # The invitation's code travels after '#' and arrives by POST, never in an address.
    path("invitations/", views.accept_invitation, name="accept-invitation"),
    path("operator/organisations/", views.operator_organisations, name="operator-organisations"),
    path("operator/reporting/", include("send_graphql.operator_urls")),
    path("toolkits/", include("integrations.toolkits.public_urls")),
    path("favicon.ico", favicon, name="favicon"),
    path("health/", platform_views.health, name="health"),
    path("health/ready/", platform_views.ready, name="health-ready"),
]

handler403 = "send_platform.views.permission_denied"
handler404 = "send_platform.views.page_not_found"
handler500 = "send_platform.views.server_error"
