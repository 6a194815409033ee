"""The SEN information report: a draft written from the school's live records, in editable sections.

Schools publish one each year (SEND Code of Practice 6.79). The draft gives figures only — no
child is named — and the SENCO edits the wording before saving and publishing it.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from send_core.disclosure import protect_counts
from send_core.models import AgencyInvolvement, ParentMeeting, Review, StaffTraining
from send_core.selectors.organisation import current_organisation
from send_core.selectors.register import last_month_end, register_figures_for_outsiders, register_summary
from tenants.roles import Role
from tenants.selectors import staff_of

from .models import InformationReport, ProvisionGroup
from .selectors import catalogue
from .terms import SchoolYear


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _register(on: datetime.date, *, exact: bool = True) -> str:
    summary = register_summary(on) if exact else register_figures_for_outsiders(register_summary(on))
    codes = summary.by_census_code
    lines = [
        f"On {on.day} {on:%B %Y}, {_plural(summary.on_register, 'pupil')} were on the SEND register: "
        f"{codes.get('K', 0)} at SEN Support and {codes.get('E', 0)} with an education, health and care plan."
    ]
    if summary.by_primary_need:
        lines.append("By their primary need:")
        lines += [f"- {need.label}: {need.count}" for need in summary.by_primary_need]
    return "\n".join(lines)


def _interventions(year: SchoolYear) -> str:
    groups = (
        ProvisionGroup.objects.filter(starts_on__lte=year.ends_on, ends_on__gte=year.starts_on)
        .values("intervention__name")
        .annotate(groups=Count("id"))
        .order_by("intervention__name")
    )
    run = {row["intervention__name"]: row["groups"] for row in groups}
    offered = list(catalogue(offered_only=True))
    if not offered:
        return "The school's intervention catalogue is still to be written."
    lines = ["Alongside high-quality teaching adapted for every child, we offer these interventions:"]
    for item in offered:
        ran = run.get(item.name, 0)
        extra = f" ({_plural(ran, 'group')} this year)" if ran else ""
        lines.append(f"- {item.name}: {item.get_area_display().lower()}{extra}")
    return "\n".join(lines)


def _training(year: SchoolYear) -> str:
    courses = (
        StaffTraining.objects.filter(completed_on__range=(year.starts_on, year.ends_on))
        .values("course")
        .annotate(staff=Count("user_id", distinct=True))
        .order_by("course")
    )
    if not courses:
        return "No SEND training has been recorded yet this school year."
    lines = ["Staff have completed this SEND training this school year:"]
    lines += [f"- {row['course']}: {_plural(row['staff'], 'member')} of staff" for row in courses]
    return "\n".join(lines)


def _agencies(year: SchoolYear) -> str:
    agencies = (
        AgencyInvolvement.objects.filter(referred_on__range=(year.starts_on, year.ends_on))
        .values("agency__name")
        .annotate(pupils=Count("pupil_id", distinct=True))
        .order_by("agency__name")
    )
    if not agencies:
        return "No referrals to outside agencies have been recorded yet this school year."
    lines = ["We work with these services, with parents' consent:"]
    lines += [f"- {row['agency__name']}" for row in agencies]
    return "\n".join(lines)


def _involvement(year: SchoolYear, *, exact: bool = True) -> str:
    meetings = ParentMeeting.objects.filter(held_on__range=(year.starts_on, year.ends_on)).count()
    reviews = Review.objects.filter(held_on__range=(year.starts_on, year.ends_on))
    held = reviews.count()
    with_child = reviews.filter(Q(participants__contains=[{"role": "child"}])).count()
    if not exact:
        # Reviews with the child and without add up to those held; those without are never shown.
        cells = {"meetings": meetings, "held": held, "with_child": with_child, "without": held - with_child}
        shown = protect_counts(cells, [("held", ["with_child", "without"])], hidden=["without"])
        meetings, held, with_child = shown["meetings"], shown["held"], shown["with_child"]
    return (
        "Parents and carers meet us at least three times a year to agree and review their child's plan, "
        "and children give their views at every review.\n"
        f"This school year: {_plural(meetings, 'meeting')} with parents and carers, "
        f"{_plural(held, 'plan review')}, of which {with_child} included the child."
    )


def _contacts() -> str:
    organisation = current_organisation()
    if organisation is None:
        return ""
    sencos = staff_of(organisation).filter(role=Role.SENCO).select_related("user")
    names = ", ".join(sorted(m.user.full_name or m.user.email for m in sencos))
    return (
        f"Our SENCO: {names or 'to be named'}. Contact the school office to speak to them.\n"
        "Complaints follow the school's complaints procedure. The local authority's Local Offer describes "
        "the services available to families."
    )


def live_sections(year: SchoolYear, on: datetime.date, *, exact: bool = True) -> list[dict[str, str]]:
    """The report's sections written from the school's records now (figures only; without `exact`,
    small counts are withheld, for governors and business managers)."""
    return [
        {"key": "register", "heading": "Children with SEND at our school", "text": _register(on, exact=exact)},
        {"key": "interventions", "heading": "Interventions we offer", "text": _interventions(year)},
        {"key": "training", "heading": "Staff training", "text": _training(year)},
        {"key": "agencies", "heading": "Specialist services we work with", "text": _agencies(year)},
        {
            "key": "involvement",
            "heading": "How parents and pupils are involved",
            "text": _involvement(year, exact=exact),
        },
        {"key": "contacts", "heading": "Who to contact", "text": _contacts()},
    ]


def draft_information_report(
    year: SchoolYear, *, exact: bool = True
) -> tuple[InformationReport | None, list[dict[str, str]]]:
    """The saved report for the year (as the SENCO edited it for publication), else a fresh draft from
    live data; without `exact` the draft is at the last month end with small counts withheld."""
    report = InformationReport.objects.filter(school_year=year.label).first()
    if report is not None and report.sections:
        return report, list(report.sections)
    on = min(datetime.date.today(), year.ends_on)
    return None, live_sections(year, on if exact else last_month_end(on), exact=exact)
