"""Exchange pages and API, mounted at /exchange/ on an organisation's host."""

from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.inbox, name="exchange-inbox"),
    path("<int:envelope_id>/", views.envelope, name="exchange-envelope"),
    path("<int:envelope_id>/acknowledge/", views.acknowledge, name="exchange-acknowledge"),
    path("<int:envelope_id>/withdraw/", views.withdraw, name="exchange-withdraw"),
    path("<int:envelope_id>/reply/", views.reply, name="exchange-reply"),
    path("documents/<str:token>/", views.download, name="exchange-document-download"),
    path("api/envelopes/", api.EnvelopeList.as_view(), name="exchange-api-envelopes"),
    path("api/envelopes/<int:envelope_id>/", api.EnvelopeDetail.as_view(), name="exchange-api-envelope"),
    path(
        "api/envelopes/<int:envelope_id>/acknowledge/",
        api.EnvelopeAcknowledgement.as_view(),
        name="exchange-api-acknowledge",
    ),
]
