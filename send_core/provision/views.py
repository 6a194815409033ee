"""Provision pages: the catalogue, groups and their sessions, costs, the provision map, impact and the report."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from send_core.csv_cells import safe_row
from send_core.models import PlanProvision, Pupil
from send_core.selectors.pupils import on_roll
from send_core.services.base import today
from send_core.views.common import pupil_for, record_children_shown, record_view_on_get
from tenants.roles import OrganisationKind

from . import permissions
from . import services as provision_services
from .forms import AddPupilForm, CostsForm, GroupForm, IndividualProvisionForm, InterventionForm, MeasureForm
from .models import GroupMember, Intervention, ProvisionGroup, SessionStatus
from .report import draft_information_report
from .selectors import (
    catalogue,
    get_group,
    groups_for,
    hourly_rates,
    impact,
    map_figures,
    notional_threshold,
    provision_map,
    recent_sessions,
    session_on,
)
from .terms import current_term, parse_term, school_year_of

# --- Home -------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where provision starts: the person's groups, and the pages their role opens."""
    roles = request.roles
    if not (permissions.can_view_figures(roles) or permissions.can_see_pupil_provision(roles)):
        raise PermissionDenied("Your role does not include the school's provision.")
    groups = []
    if permissions.can_see_pupil_provision(roles):
        groups = list(groups_for(request.user, roles).filter(starts_on__lte=today(), ends_on__gte=today()))
    context = {
        "groups": groups,
        "can_manage": permissions.can_manage_provision(roles),
        "can_keep_costs": permissions.can_keep_costs(roles),
        "can_view_figures": permissions.can_view_figures(roles),
    }
    return render(request, "provision/home.html", context)


# --- The catalogue ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def catalogue_page(request: HttpRequest) -> HttpResponse:
    """The school's intervention catalogue, adding to it, and (for a trust's school) the trust's.

    On a trust's own address it is the catalogue the trust's SEND lead publishes to its schools."""
    _require_catalogue_keeper(request)
    form = InterventionForm(posted(request), initial={"is_active": True})
    context = {
        "items": list(catalogue()),
        "form": form,
        "in_trust": bool(getattr(request.tenant, "trust_id", None)),
        "is_trust": _is_trust(request),
    }
    return act(
        request,
        form,
        lambda data: provision_services.add_intervention(added_by=request.user, **data),
        success=lambda item: f"{item.name} has been added to the catalogue.",
        redirect_to=reverse("provision:catalogue"),
        page=lambda: form_page(request, "provision/catalogue.html", context, form),
    )


def _is_trust(request: HttpRequest) -> bool:
    return getattr(request.tenant, "kind", "") == OrganisationKind.TRUST


def _require_catalogue_keeper(request: HttpRequest) -> None:
    if _is_trust(request):
        permissions.require_trust_send_lead(request.roles)
    else:
        permissions.require_manage_provision(request.roles)


@require_POST
def starter_catalogue(request: HttpRequest) -> HttpResponse:
    made = provision_services.ensure_intervention_catalogue(by=request.user)
    messages.success(request, f"{len(made)} common interventions have been added to the catalogue.")
    return redirect("provision:catalogue")


@require_http_methods(["GET", "POST"])
def edit_intervention(request: HttpRequest, intervention_id: int) -> HttpResponse:
    _require_catalogue_keeper(request)
    item = Intervention.objects.filter(pk=intervention_id).first()
    if item is None:
        raise Http404("There is no such intervention in the catalogue.")
    initial = {name: getattr(item, name) for name in InterventionForm.base_fields}
    form = InterventionForm(posted(request), initial=initial)
    context = {
        "form": form,
        "title": f"Change {item.name}",
        "button": "Save",
        "back_url": reverse("provision:catalogue"),
    }
    return act(
        request,
        form,
        lambda data: provision_services.update_intervention(item, changed_by=request.user, **data),
        # The name as saved, which the act may have changed.
        success=lambda _: f"{item.name} has been saved.",
        redirect_to=reverse("provision:catalogue"),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def trust_catalogue(request: HttpRequest) -> HttpResponse:
    """The trust's published interventions; adopting one copies it into the school's catalogue."""
    permissions.require_manage_provision(request.roles)
    if request.method == "POST":
        try:
            item = provision_services.adopt_trust_intervention(
                int(request.POST.get("entry") or 0), adopted_by=request.user
            )
        except (ValueError, ValidationError) as error:
            reasons = error.messages if isinstance(error, ValidationError) else ["Choose an intervention."]
            messages.error(request, " ".join(reasons))
        else:
            messages.success(request, f"{item.name} has been added to your catalogue from the trust's.")
        return redirect("provision:trust-catalogue")
    try:
        entries = provision_services.trust_catalogue(reader=request.user)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from None
    adopted = set(
        Intervention.objects.filter(adopted_from_entry_id__isnull=False).values_list("adopted_from_entry_id", flat=True)
    )
    own = {name.lower() for name in Intervention.objects.values_list("name", flat=True)}
    context = {"entries": entries, "adopted": adopted, "own": own, "trust": request.tenant.trust}
    return render(request, "provision/trust_catalogue.html", context)


# --- Groups ---------------------------------------------------------------------------------------


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    permissions.require_see_groups(request.roles)
    groups = list(groups_for(request.user, request.roles))
    context = {"groups": groups, "can_manage": permissions.can_manage_provision(request.roles), "today": today()}
    return render(request, "provision/groups.html", context)


@require_http_methods(["GET", "POST"])
def add_group(request: HttpRequest) -> HttpResponse:
    permissions.require_manage_provision(request.roles)
    initial = {"starts_on": today()}
    if request.GET.get("intervention"):
        initial["intervention"] = request.GET["intervention"]
    form = GroupForm(posted(request), organisation=request.tenant, initial=initial)
    context = {
        "form": form,
        "title": "Start a group",
        "intro": "Sessions, minutes, staff role and resource cost come from the catalogue entry.",
        "button": "Start group",
        "back_url": reverse("provision:groups"),
    }
    return act(
        request,
        form,
        lambda data: provision_services.create_group(created_by=request.user, **data),
        success=lambda group: f"{group.name} has been set up. Add its pupils.",
        redirect_to=lambda group: reverse("provision:group", args=[group.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


def _group(request: HttpRequest, group_id: int) -> ProvisionGroup:
    try:
        group = get_group(group_id)
    except ProvisionGroup.DoesNotExist:
        raise Http404("There is no such group.") from None
    permissions.require_run_group(request.user, request.roles, group)
    return group


def _addable_pupils(group: ProvisionGroup):
    return (
        Pupil.objects.filter(on_roll(today()))
        .exclude(pk__in=group.members.values("pupil_id"))
        .order_by("last_name", "legal_first_name")
    )


@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group: its pupils with their measures, its schedule and recent sessions; adding a pupil."""
    item = _group(request, group_id)
    can_manage = permissions.can_manage_provision(request.roles)
    form = AddPupilForm(posted(request), pupils=_addable_pupils(item)) if can_manage else None
    if request.method == "POST" and form is None:
        raise PermissionDenied("Only the SENCO or headteacher can change who is in a group.")

    def page() -> HttpResponse:
        members = list(item.members.all())
        # The page names each pupil with their measures: one row for the response, listing them.
        record_children_shown(
            request, [m.pupil_id for m in members], f"intervention group {item.name}", detail={"group_id": item.pk}
        )
        context = {
            "group": item,
            "members": members,
            "sessions": recent_sessions(item),
            "form": form,
            "can_manage": can_manage,
        }
        return form_page(request, "provision/group.html", context, form)

    def add_pupil(data: dict[str, Any]) -> Pupil:
        data = dict(data)
        pupil = data.pop("pupil")
        provision_services.add_pupil_to_group(item, pupil, added_by=request.user, **data)
        return pupil

    if form is None:
        return page()
    return act(
        request,
        form,
        add_pupil,
        success=lambda pupil: f"{pupil.display_name} has joined {item.name}.",
        redirect_to=reverse("provision:group", args=[item.pk]),
        page=page,
    )


def _session_day(request: HttpRequest, group: ProvisionGroup) -> tuple[datetime.date, str]:
    """The session's date, and the error to show when what was sent is not a date.

    Opening the page, a date outside the group's run is moved inside it. A posted date goes to the
    service as sent, so that it can say the group was not running that day."""
    posting = request.method == "POST"
    raw = (request.POST.get("held_on") if posting else request.GET.get("on")) or ""
    try:
        day = datetime.date.fromisoformat(raw) if raw else today()
    except ValueError:
        clamped = min(max(today(), group.starts_on), group.ends_on)
        return clamped, "Enter the session's date as a real date, for example 2026-01-15."
    return (day if posting else min(max(day, group.starts_on), group.ends_on)), ""


@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, group_id: int) -> HttpResponse:
    """Record a session on a phone: everyone attended unless marked absent; or not delivered."""
    item = _group(request, group_id)
    day, date_error = _session_day(request, item)
    errors: list[str] = [date_error] if date_error else []
    if request.method == "POST" and not errors:
        delivered = request.POST.get("action") != "not_delivered"
        absent = [key.removeprefix("pupil-") for key, value in request.POST.items() if value == "absent"]
        try:
            provision_services.record_session(
                item, held_on=day, recorded_by=request.user, absent=absent, delivered=delivered
            )
        except (ValidationError, ValueError) as error:
            errors = error.messages if isinstance(error, ValidationError) else ["Mark each pupil once."]
        else:
            if delivered:
                missing = len(absent)
                messages.success(
                    request,
                    f"Attendance saved for {item.name} on {day:%-d %B}: "
                    f"{'everyone attended' if not missing else f'{missing} absent'}.",
                )
            else:
                messages.success(request, f"{item.name} on {day:%-d %B} is recorded as not delivered.")
            return redirect("provision:groups")
    existing = session_on(item, day)
    marks = {a.pupil_id: a.attendance for a in existing.attendance.all()} if existing else {}
    members = [m for m in item.members.all() if m.joined_on <= day and (m.left_on is None or m.left_on >= day)]
    record_children_shown(
        request, [m.pupil_id for m in members], f"session of {item.name}", detail={"group_id": item.pk}
    )
    context = {
        "group": item,
        "day": day,
        "members": [(m, marks.get(m.pupil_id, "attended")) for m in members],
        "existing": existing,
        "not_delivered": existing is not None and existing.status == SessionStatus.NOT_DELIVERED,
        "action_errors": errors,
    }
    return render(request, "provision/session.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def measure(request: HttpRequest, member_id: int) -> HttpResponse:
    member = GroupMember.objects.select_related("group", "pupil").filter(pk=member_id).first()
    if member is None:
        raise Http404("There is no such pupil in a group.")
    item = _group(request, member.group_id)
    initial = {"which": "exit" if member.entry_value is not None else "entry", "on": today()}
    initial["exit_target"] = member.exit_target
    form = MeasureForm(posted(request), initial=initial)
    record_children_shown(request, [member.pupil_id], f"measure in {item.name}", detail={"group_id": item.pk})
    context = {
        "form": form,
        "title": f"Record a measure for {member.pupil.display_name}",
        "page_title": "Record a measure",
        "caption": item.name,
        "intro": f"{item.name} is judged by {item.intervention.measure or 'the measure the school chose'}.",
        "button": "Save measure",
        "back_url": reverse("provision:group", args=[item.pk]),
    }
    return act(
        request,
        form,
        lambda data: provision_services.record_measure(member, recorded_by=request.user, **data),
        success=f"The measure has been recorded for {member.pupil.display_name}.",
        redirect_to=reverse("provision:group", args=[item.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_POST
def link_plan_provision(request: HttpRequest, member_id: int) -> HttpResponse:
    """Say which line of the pupil's plan a group delivers."""
    member = GroupMember.objects.select_related("group").filter(pk=member_id).first()
    if member is None:
        raise Http404("There is no such pupil in a group.")
    pupil = pupil_for(request, member.pupil_id)
    permissions.require_manage_provision(request.roles)
    try:
        line_id = int(request.POST.get("line") or 0)
    except ValueError:
        line_id = 0
    line = PlanProvision.objects.select_related("plan").filter(pk=line_id).first() if line_id else None
    if line is None:
        messages.error(request, "Choose the provision on the plan that this group delivers.")
    else:
        try:
            provision_services.link_plan_provision(line, member, linked_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{line.description} is delivered by {member.group.name}.")
    return redirect(reverse("send_core:pupil-provision", args=[pupil.pk]) + "#delivered")


@require_http_methods(["GET", "POST"])
def add_individual(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """One-to-one support or specialist equipment for a pupil."""
    pupil = pupil_for(request, pupil_id)
    permissions.require_manage_provision(request.roles)
    record_view_on_get(request, pupil, "provision")
    form = IndividualProvisionForm(posted(request), initial={"starts_on": today()})
    context = {
        "form": form,
        "title": "Add individual provision",
        "caption": pupil.display_name,
        "intro": "One-to-one support is costed at the hourly rate of the staff role; equipment at its price.",
        "button": "Add provision",
        "back_url": reverse("send_core:pupil-provision", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: provision_services.add_individual_provision(pupil, added_by=request.user, **data),
        success="The provision has been added.",
        redirect_to=reverse("send_core:pupil-provision", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


# --- Costs ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def costs(request: HttpRequest) -> HttpResponse:
    """Hourly rates per staff role and the notional threshold (SENCO, head and business manager)."""
    permissions.require_keep_costs(request.roles)
    initial: dict[str, Any] = {f"rate_{role}": rate for role, rate in hourly_rates().items()}
    initial["notional_threshold"] = notional_threshold()
    form = CostsForm(posted(request), initial=initial)
    context = {
        "form": form,
        "title": "Hourly rates and threshold",
        "intro": "What an hour of each role costs the school, with on-costs. Provision is costed from these.",
        "button": "Save",
        "back_url": reverse("provision:home"),
    }

    def save(data: dict[str, Any]) -> None:
        # All or nothing: a refused threshold must not leave the new rates saved.
        with transaction.atomic():
            for role, rate in form.rates().items():
                provision_services.set_hourly_rate(role, rate, set_by=request.user)
            provision_services.set_notional_threshold(data["notional_threshold"], set_by=request.user)

    return act(
        request,
        form,
        save,
        success="Hourly rates and the threshold have been saved.",
        redirect_to=reverse("provision:costs"),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


# --- The provision map ----------------------------------------------------------------------------


def _term(request: HttpRequest):
    raw = request.GET.get("term", "")
    term = parse_term(raw) if raw else current_term(today())
    if term is None:
        raise Http404("There is no such term. Terms look like autumn-2025, spring-2026 or summer-2026.")
    return term


def _map_context(request: HttpRequest) -> dict[str, Any]:
    permissions.require_view_figures(request.roles)
    term = _term(request)
    the_map = provision_map(term)
    year_terms = term.school_year.terms
    names = permissions.can_manage_provision(request.roles)
    return {
        "map": the_map,
        "figures": map_figures(the_map, hide_small=not names),
        "term": term,
        "terms": year_terms,
        "names": names,
    }


def _record_map_seen(request: HttpRequest, context: dict[str, Any], how: str) -> None:
    """The map by pupil names children: one row for the response, listing each child shown."""
    if context["names"]:
        the_map, term = context["map"], context["term"]
        record_children_shown(
            request,
            [row.pupil.pk for row in the_map.rows],
            f"the provision map for {term.label} ({how})",
            object_type="provision map",
            object_id=term.key,
        )


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The provision map for a term: by pupil (SENCO and head), by year group, need and group."""
    context = _map_context(request)
    _record_map_seen(request, context, "page")
    return render(request, "provision/map.html", context)


@require_GET
def map_print(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    _record_map_seen(request, context, "printable page")
    return render(request, "provision/map_print.html", context)


@require_GET
def map_csv(request: HttpRequest) -> HttpResponse:
    """The map as CSV: a row per pupil for the SENCO and head; figures by group for others."""
    context = _map_context(request)
    the_map, term = context["map"], context["term"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="provision-map-{term.key}.csv"'
    writer = csv.writer(response)
    if context["names"]:
        writer.writerow(
            [
                "UPN",
                "Pupil",
                "Year group",
                "Primary need",
                "Stage",
                "Provision",
                f"Cost {term.label}",
                f"Cost {the_map.year.label}",
                "Above threshold",
            ]
        )
        for row in the_map.rows:
            writer.writerow(
                safe_row(
                    [
                        row.pupil.upn,
                        row.pupil.display_name,
                        row.year_group,
                        row.need,
                        getattr(row.pupil, "stage_label", "") or "",
                        "; ".join(f"{line.what} (£{line.cost})" for line in row.lines),
                        f"{row.term_cost:.2f}",
                        f"{row.year_cost:.2f}",
                        "yes" if row.flagged else "",
                    ]
                )
            )
        # One row for the file, listing every child whose name and costs left the school in it.
        record_children_shown(
            request,
            [row.pupil.pk for row in the_map.rows],
            f"the provision map for {term.label} (CSV)",
            exported=True,
            object_type="provision map",
            object_id=term.key,
        )
    else:
        writer.writerow(["Group", "Intervention", "Pupils", f"Cost {term.label}", "Cost per pupil"])
        for figure in context["figures"].groups:
            writer.writerow(
                safe_row(
                    [
                        figure.name,
                        figure.intervention,
                        figure.pupils,
                        f"{figure.cost:.2f}",
                        "" if figure.per_pupil is None else f"{figure.per_pupil:.2f}",
                    ]
                )
            )
        writer.writerow(["All provision", "", "", f"{the_map.term_total:.2f}", ""])
    return response


# --- Impact and the information report ---------------------------------------------------------------


@require_GET
def impact_page(request: HttpRequest) -> HttpResponse:
    """Impact per intervention and per group over a school year, as tables and a chart."""
    permissions.require_view_figures(request.roles)
    year = _term(request).school_year
    per_intervention, per_group = impact(year, hide_small=not permissions.can_manage_provision(request.roles))
    context = {
        "year": year,
        "per_intervention": per_intervention,
        "per_group": per_group,
        "chart": _bar_chart(per_intervention),
    }
    return render(request, "provision/impact.html", context)


def _bar_chart(rows: list) -> dict[str, Any] | None:
    """Bars of gain a month per intervention, drawn as SVG on the server like the other charts."""
    drawn = [row for row in rows if row.gain_per_month is not None]
    if not drawn:
        return None
    left, span, bar_height, step = 200, 220, 14, 22
    top = max(abs(row.gain_per_month) for row in drawn) or 1
    bars = []
    for index, row in enumerate(drawn):
        width = round(float(abs(row.gain_per_month) / top) * span, 1)
        y = index * step + 4
        bars.append(
            {
                "label": row.label[:28],
                "value": f"{row.gain_per_month.normalize():f}",
                "y": y,
                "text_y": y + 11,
                "width": width,
                "value_x": left + width + 6,
            }
        )
    return {"width": 480, "height": len(drawn) * step + 8, "left": left, "bar_height": bar_height, "bars": bars}


@require_http_methods(["GET", "POST"])
def information_report(request: HttpRequest) -> HttpResponse:
    """The SEN information report for this school year: drafted from live data, edited and saved."""
    permissions.require_view_figures(request.roles)
    year = school_year_of(today())
    editable = permissions.can_manage_provision(request.roles)
    report, sections = draft_information_report(year, exact=editable)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only the SENCO or headteacher can change the SEN information report.")
        edited = [
            {"key": s["key"], "heading": s["heading"], "text": request.POST.get(f"section-{s['key']}", "")}
            for s in sections
        ]
        provision_services.save_information_report(school_year=year.label, sections=edited, saved_by=request.user)
        messages.success(request, "The SEN information report has been saved.")
        return redirect("provision:report")
    template = "provision/report_print.html" if request.GET.get("print") else "provision/report.html"
    return render(request, template, {"year": year, "report": report, "sections": sections, "editable": editable})
