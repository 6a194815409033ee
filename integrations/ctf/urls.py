"""Common Transfer Files and transition files, at /ctf/ on a school's host."""

from django.urls import path

from . import api, views

urlpatterns = [
    path("export/", views.export, name="ctf-export"),
    path("import/", views.import_file, name="ctf-import"),
    path("pupils/<int:pupil_id>/transition-file/", views.send_transition_file, name="ctf-transition-send"),
    path("received/<int:envelope_id>/", views.received, name="ctf-transition-received"),
    path("received/<int:envelope_id>/import/", views.import_received, name="ctf-transition-import"),
    path("api/export/", api.CTFExport.as_view(), name="ctf-api-export"),
    path("api/import/", api.CTFImport.as_view(), name="ctf-api-import"),
]
