"""Plans (named by the school's toolkit): the pupil's current plan, the plan editor, versions, the one-page profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import errors_page, form_page, posted

from .. import permissions
from ..forms import OutcomeForm, PlanDateForm, PlanSectionsForm, ProvisionForm
from ..forms.plans import PLAN_TEXT_SECTIONS
from ..models import PlanOutcome, PlanProvision, PlanStatus, PlanVersion, Pupil, SupportPlan
from ..ports import pupil_provision_panels
from ..selectors.plans import get_plan, one_page_profile, plan_versions, plans_for
from ..selectors.reviews import reviews_for
from ..services import plans as plan_services
from ..services.concurrency import version_of
from .common import pupil_context, pupil_for, record_view, record_view_on_get, toolkit
from .submissions import act_once


def _plan(request: HttpRequest, plan_id: int) -> tuple[SupportPlan, Pupil]:
    try:
        plan = get_plan(plan_id)
    except SupportPlan.DoesNotExist:
        raise Http404("There is no such plan.") from None
    return plan, pupil_for(request, plan.pupil_id)


def _plan_url(plan: SupportPlan, anchor: str = "") -> str:
    return reverse("send_core:plan", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def _sections(request: HttpRequest, plan: SupportPlan) -> list[dict]:
    """The plan's written sections, in the order and with the names of the school's toolkit."""
    labels = {section.key: section.label for section in toolkit(request).plan_sections}
    keys = [key for key in labels if key in PLAN_TEXT_SECTIONS] or list(PLAN_TEXT_SECTIONS)
    return [{"key": key, "label": labels.get(key, key), "text": getattr(plan, key)} for key in keys]


# --- The pupil's plans ---------------------------------------------------------------------------


def _pupil_plan_context(request: HttpRequest, pupil: Pupil) -> dict:
    plans = list(plans_for(pupil))
    return pupil_context(
        request,
        pupil,
        "plan",
        active=next((p for p in plans if p.status == PlanStatus.ACTIVE), None),
        draft=next((p for p in plans if p.status == PlanStatus.DRAFT), None),
        earlier=[p for p in plans if p.status not in (PlanStatus.ACTIVE, PlanStatus.DRAFT)],
    )


@require_GET
def pupil_plan(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "plan")
    return render(request, "send_core/plans/pupil_plan.html", _pupil_plan_context(request, pupil))


@require_POST
def create(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    try:
        plan = plan_services.create_plan(pupil, created_by=request.user)
    except ValidationError as error:
        return errors_page(request, "send_core/plans/pupil_plan.html", _pupil_plan_context(request, pupil), error)
    messages.success(request, f"A draft {plan.title} has been started. Write its sections and outcomes.")
    return redirect("send_core:plan", plan.pk)


@require_GET
def provision(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The provision the pupil's current plans rely on."""
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "provision")
    plans = [p for p in plans_for(pupil) if p.status in (PlanStatus.ACTIVE, PlanStatus.DRAFT)]
    rows = [(plan, item) for plan in plans for item in plan.provision.all()]
    minutes = sum(item.weekly_minutes or 0 for plan, item in rows if plan.status == PlanStatus.ACTIVE)
    context = pupil_context(request, pupil, "provision", plans=plans, rows=rows, weekly_minutes=minutes)
    context["panels"] = pupil_provision_panels(pupil)
    return render(request, "send_core/plans/provision.html", context)


# --- One plan ------------------------------------------------------------------------------------


def _plan_page_context(request: HttpRequest, plan: SupportPlan, pupil: Pupil) -> dict:
    editable = plan.is_editable and permissions.can_edit_send_record(request.roles)
    return pupil_context(
        request,
        pupil,
        "plan",
        plan=plan,
        plan_sections=_sections(request, plan),
        outcomes=list(plan.outcomes.all()),
        provision_lines=list(plan.provision.all()),
        versions=list(plan_versions(plan)),
        reviews=list(reviews_for(pupil).filter(plan=plan)),
        editable=editable,
        can_review=plan.status == PlanStatus.ACTIVE
        and permissions.can_record_review(request.user, request.roles, pupil),
    )


@require_GET
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    record_view(request, pupil, "plan")
    return render(request, "send_core/plans/plan.html", _plan_page_context(request, item, pupil))


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    permissions.require_edit_send_record(request.roles)
    record_view_on_get(request, pupil, "plan")
    initial = {name: getattr(item, name) for name in (*PLAN_TEXT_SECTIONS, "starts_on", "review_due_on")}
    form = PlanSectionsForm(posted(request), toolkit=toolkit(request), initial=initial, version=version_of(item))
    context = {
        "form": form,
        "title": f"Write the {item.title}",
        "caption": pupil.display_name,
        "button": "Save",
        "back_url": _plan_url(item),
    }
    return act(
        request,
        form,
        lambda data: plan_services.update_plan(item, changed_by=request.user, **data),
        success=lambda _: f"The {item.title} has been saved.",
        redirect_to=reverse("send_core:plan", args=[item.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


def _smart_checks(outcomes: list[PlanOutcome]) -> list[str]:
    labels = {"measure": "a measure", "baseline": "a baseline", "target": "a target", "target_date": "a target date"}
    return [
        f"Outcome {o.order} needs {', '.join(labels[name] for name in o.missing_smart_parts)}."
        for o in outcomes
        if o.missing_smart_parts
    ]


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    permissions.require_edit_send_record(request.roles)
    record_view_on_get(request, pupil, "plan")
    form = PlanDateForm(posted(request))
    outcomes = list(item.outcomes.all())
    context = {
        "form": form,
        "title": f"Make the {item.title} active",
        "caption": pupil.display_name,
        "intro": f"Once active, the plan is what staff work to. It has {len(outcomes)} outcome"
        f"{'' if len(outcomes) == 1 else 's'}; each must be SMART: a measure, a baseline, a target and a target date. "
        "The review falls due a term after it starts unless you set a date.",
        "checks": _smart_checks(outcomes),
        "button": "Make active",
        "back_url": _plan_url(item),
    }
    return act(
        request,
        form,
        lambda data: plan_services.activate_plan(item, activated_by=request.user, on=data["on"]),
        success=f"The {item.title} is now active.",
        redirect_to=reverse("send_core:plan", args=[item.pk]),
        page=lambda: form_page(request, "send_core/plans/activate.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    permissions.require_edit_send_record(request.roles)
    form = PlanDateForm(posted(request))
    context = {
        "form": form,
        "title": f"Close the {item.title}",
        "caption": pupil.display_name,
        "intro": "A closed plan can no longer be changed; it stays in the pupil's record. "
        "To carry on with changes, review the plan and decide to revise it instead.",
        "button": "Close plan",
        "danger": True,
        "back_url": _plan_url(item),
    }
    return act(
        request,
        form,
        lambda data: plan_services.close_plan(item, closed_by=request.user, on=data["on"]),
        success=f"The {item.title} has been closed.",
        redirect_to=reverse("send_core:plan", args=[item.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_GET
def version(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    snapshot = get_object_or_404(PlanVersion.objects.select_related("changed_by"), plan=item, version=number)
    record_view(request, pupil, "plan version")
    data = snapshot.snapshot
    labels = {section.key: section.label for section in toolkit(request).plan_sections}
    sections = [{"label": labels.get(key, key), "text": data.get(key, "")} for key in PLAN_TEXT_SECTIONS]
    context = pupil_context(request, pupil, "plan", plan=item, snapshot=snapshot, data=data, plan_sections=sections)
    return render(request, "send_core/plans/version.html", context)


# --- Outcomes and provision ---------------------------------------------------------------------


def _word(request: HttpRequest) -> str:
    """What the school's toolkit calls an outcome ("outcome", "key target", …)."""
    return toolkit(request).wording("outcome")


def _outcome_form_page(request, form, item: SupportPlan, pupil: Pupil, title: str, button: str) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "caption": f"{item.title} for {pupil.display_name}",
        "intro": "A SMART outcome is specific and measurable: say how progress will be measured, where the pupil "
        "is now, what success looks like and by when.",
        "button": button,
        "back_url": _plan_url(item, "outcomes"),
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_http_methods(["GET", "POST"])
def add_outcome(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    permissions.require_edit_send_record(request.roles)
    form = OutcomeForm(posted(request), once=True)
    word = _word(request)
    title = f"Add {'an' if word[:1] in 'aeiou' else 'a'} {word}"
    return act_once(
        request,
        form,
        lambda data: plan_services.add_outcome(item, changed_by=request.user, **data),
        made_at=lambda made: _plan_url(item, "outcomes"),
        success=lambda outcome: f"{_word(request).capitalize()} {outcome.order} has been added.",
        page=lambda: _outcome_form_page(request, form, item, pupil, title, f"Add {word}"),
    )


def _outcome(request: HttpRequest, outcome_id: int) -> tuple[PlanOutcome, SupportPlan, Pupil]:
    outcome = get_object_or_404(PlanOutcome.objects.select_related("plan"), pk=outcome_id)
    item, pupil = _plan(request, outcome.plan_id)
    return outcome, item, pupil


@require_http_methods(["GET", "POST"])
def edit_outcome(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome, item, pupil = _outcome(request, outcome_id)
    permissions.require_edit_send_record(request.roles)
    record_view_on_get(request, pupil, "plan")
    initial = {name: getattr(outcome, name) for name in OutcomeForm.base_fields}
    form = OutcomeForm(posted(request), initial=initial, version=version_of(outcome))
    word = _word(request)
    return act(
        request,
        form,
        lambda data: plan_services.update_outcome(outcome, changed_by=request.user, **data),
        success=f"{_word(request).capitalize()} {outcome.order} has been saved.",
        redirect_to=_plan_url(item, "outcomes"),
        page=lambda: _outcome_form_page(request, form, item, pupil, f"Change {word} {outcome.order}", f"Save {word}"),
    )


@require_http_methods(["GET", "POST"])
def remove_outcome(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome, item, pupil = _outcome(request, outcome_id)
    permissions.require_edit_send_record(request.roles)
    if request.method == "POST":
        try:
            plan_services.remove_outcome(outcome, changed_by=request.user)
        except ValidationError as error:
            return errors_page(request, "send_core/plans/plan.html", _plan_page_context(request, item, pupil), error)
        messages.success(request, f"{_word(request).capitalize()} {outcome.order} has been removed.")
        return redirect(_plan_url(item, "outcomes"))
    context = {
        "title": f"Remove {_word(request)} {outcome.order}?",
        "caption": f"{item.title} for {pupil.display_name}",
        "text": outcome.description,
        "button": f"Remove {_word(request)}",
        "back_url": _plan_url(item, "outcomes"),
    }
    return render(request, "send_core/confirm.html", context)


@require_http_methods(["GET", "POST"])
def add_provision(request: HttpRequest, plan_id: int) -> HttpResponse:
    item, pupil = _plan(request, plan_id)
    permissions.require_edit_send_record(request.roles)
    form = ProvisionForm(posted(request), once=True)
    context = {
        "form": form,
        "title": "Add provision",
        "caption": f"{item.title} for {pupil.display_name}",
        "button": "Add provision",
        "back_url": _plan_url(item, "provision"),
    }
    return act_once(
        request,
        form,
        lambda data: plan_services.add_provision(item, changed_by=request.user, **data),
        made_at=lambda made: _plan_url(item, "provision"),
        success="The provision has been added.",
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


def _provision(request: HttpRequest, item_id: int) -> tuple[PlanProvision, SupportPlan, Pupil]:
    line = get_object_or_404(PlanProvision, pk=item_id)
    item, pupil = _plan(request, line.plan_id)
    return line, item, pupil


@require_http_methods(["GET", "POST"])
def edit_provision(request: HttpRequest, item_id: int) -> HttpResponse:
    line, item, pupil = _provision(request, item_id)
    permissions.require_edit_send_record(request.roles)
    record_view_on_get(request, pupil, "plan")
    initial = {name: getattr(line, name) for name in ProvisionForm.base_fields}
    form = ProvisionForm(posted(request), initial=initial, version=version_of(line))
    context = {
        "form": form,
        "title": "Change provision",
        "caption": f"{item.title} for {pupil.display_name}",
        "button": "Save provision",
        "back_url": _plan_url(item, "provision"),
    }
    return act(
        request,
        form,
        lambda data: plan_services.update_provision(line, changed_by=request.user, **data),
        success="The provision has been saved.",
        redirect_to=_plan_url(item, "provision"),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def remove_provision(request: HttpRequest, item_id: int) -> HttpResponse:
    line, item, pupil = _provision(request, item_id)
    permissions.require_edit_send_record(request.roles)
    if request.method == "POST":
        try:
            plan_services.remove_provision(line, changed_by=request.user)
        except ValidationError as error:
            return errors_page(request, "send_core/plans/plan.html", _plan_page_context(request, item, pupil), error)
        messages.success(request, "The provision has been removed.")
        return redirect(_plan_url(item, "provision"))
    context = {
        "title": "Remove this provision?",
        "caption": f"{item.title} for {pupil.display_name}",
        "text": line.description,
        "button": "Remove provision",
        "back_url": _plan_url(item, "provision"),
    }
    return render(request, "send_core/confirm.html", context)


# --- The one-page profile -----------------------------------------------------------------------


@require_GET
def profile(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """A printable one-page profile from the pupil's active (else draft) plan."""
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "one-page profile")
    context = pupil_context(request, pupil, "plan", profile=one_page_profile(pupil))
    return render(request, "send_core/plans/profile.html", context)
