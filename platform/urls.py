"""URLs on an organisation's own host (`<slug>.<BASE_DOMAIN>`)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from send_platform import views as platform_views
from send_platform.favicon import favicon

from tenants import views

urlpatterns = [
    path("", views.organisation_home, name="organisation-home"),
    path("auth/handoff/", views.handoff, name="handoff"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("staff/", views.staff, name="staff"),
    path("favicon.ico", favicon, name="favicon"),
    path("health/", platform_views.health, name="health"),
    path("health/ready/", platform_views.ready, name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("send_core.api.urls")),
    path("exchange/", include("integrations.exchange.urls")),
    path("toolkits/", include("integrations.toolkits.urls")),
    path("transition/", include("send_core.transition.urls")),
    path("ctf/", include("integrations.ctf.urls")),
    path("reporting/", include("send_graphql.urls")),
    path("graphql/", include("send_graphql.graphql_urls")),
    path("api/reporting/", include("send_graphql.api_urls")),
    path("provision/", include("send_core.provision.urls")),
    path("census/", include("integrations.census.urls")),
    path("", include("send_core.ehc.urls")),
    path("", include("send_core.urls")),
]

handler403 = "send_platform.views.permission_denied"
handler404 = "send_platform.views.page_not_found"
handler500 = "send_platform.views.server_error"
