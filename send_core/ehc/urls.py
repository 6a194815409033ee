"""EHC pages: a school's requests, plans and annual reviews; a local authority's casework at /casework/;
and the reminders both receive. Every name is `ehc:...`."""

from django.urls import path

from . import views
from .casework.urls import urlpatterns as casework_urls
from .requests.urls import urlpatterns as school_urls

app_name = "ehc"

urlpatterns = [
    *school_urls,
    *casework_urls,
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/<int:reminder_id>/done/", views.dismiss, name="reminder-dismiss"),
]
