"""Provision pages, under /provision/ on a school's own address."""

from django.urls import path

from . import views

app_name = "provision"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("catalogue/starter/", views.starter_catalogue, name="catalogue-starter"),
    path("catalogue/trust/", views.trust_catalogue, name="trust-catalogue"),
    path("catalogue/<int:intervention_id>/edit/", views.edit_intervention, name="intervention-edit"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.add_group, name="group-add"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/session/", views.session, name="session"),
    path("members/<int:member_id>/measure/", views.measure, name="measure"),
    path("members/<int:member_id>/plan-provision/", views.link_plan_provision, name="plan-provision-link"),
    path("pupils/<int:pupil_id>/individual/new/", views.add_individual, name="individual-add"),
    path("costs/", views.costs, name="costs"),
    path("map/", views.map_page, name="map"),
    path("map/print/", views.map_print, name="map-print"),
    path("map.csv", views.map_csv, name="map-csv"),
    path("impact/", views.impact_page, name="impact"),
    path("report/", views.information_report, name="report"),
]
