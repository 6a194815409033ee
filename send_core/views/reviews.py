"""Reviews: where assess–plan–do–review comes round — recording one and closing it on its decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import errors_page, form_page, posted

from .. import permissions
from ..forms import PlanDateForm, ReviewForm
from ..models import OutcomeProgress, PlanStatus, Pupil, Review, ReviewDecision, ReviewStatus, SupportPlan
from ..selectors.plans import active_plan, get_plan
from ..selectors.reviews import reviews_for
from ..services import reviews as review_services
from ..services.concurrency import version_of
from .common import pupil_context, pupil_for, record_view, record_view_on_get
from .submissions import act_once


@require_GET
def pupil_reviews(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "reviews")
    reviews = list(reviews_for(pupil))
    current = active_plan(pupil)
    context = pupil_context(
        request,
        pupil,
        "reviews",
        reviews=reviews,
        active=current,
        draft_review=next((r for r in reviews if r.status == ReviewStatus.DRAFT), None),
        can_review=current is not None and permissions.can_record_review(request.user, request.roles, pupil),
    )
    return render(request, "send_core/reviews/pupil_reviews.html", context)


def _review(request: HttpRequest, review_id: int) -> tuple[Review, Pupil]:
    review = get_object_or_404(
        Review.objects.select_related("plan", "recorded_by", "closed_by", "next_plan").prefetch_related(
            Prefetch("progress", queryset=OutcomeProgress.objects.select_related("outcome"))
        ),
        pk=review_id,
    )
    return review, pupil_for(request, review.pupil_id)


def _review_context(request: HttpRequest, review: Review, pupil: Pupil, close_form: PlanDateForm | None = None):
    is_draft = review.status == ReviewStatus.DRAFT
    close_form = close_form or PlanDateForm()
    close_form.fields["on"].label = "Date closed"
    can_record = permissions.can_record_review(request.user, request.roles, pupil)
    return pupil_context(
        request,
        pupil,
        "reviews",
        review=review,
        progress=list(review.progress.all()),
        is_draft=is_draft,
        can_change=is_draft and can_record,
        can_close=is_draft
        and bool(review.decision)
        and permissions.can_decide_review(request.user, request.roles, pupil, review.decision),
        senco_decision=review.decision in (ReviewDecision.REQUEST_EHC, ReviewDecision.EXIT_REGISTER),
        close_form=close_form,
    )


@require_GET
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    item, pupil = _review(request, review_id)
    record_view(request, pupil, "review")
    return render(request, "send_core/reviews/review.html", _review_context(request, item, pupil))


def _review_form_page(request, form, plan: SupportPlan, pupil: Pupil, title: str, button: str, back_url: str):
    context = {"form": form, "plan": plan, "pupil": pupil, "title": title, "button": button, "back_url": back_url}
    return form_page(request, "send_core/reviews/review_form.html", context, form)


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Record a review of the pupil's active plan (a draft until it is closed)."""
    try:
        plan = get_plan(plan_id)
    except SupportPlan.DoesNotExist:
        raise Http404("There is no such plan.") from None
    pupil = pupil_for(request, plan.pupil_id)
    permissions.require_record_review(request.user, request.roles, pupil)
    record_view_on_get(request, pupil, "plan")
    form = ReviewForm(posted(request), once=True, outcomes=plan.outcomes.all())
    title = "Record a review" if plan.status == PlanStatus.ACTIVE else f"This {plan.title} is not active"
    return act_once(
        request,
        form,
        lambda data: review_services.record_review(plan, recorded_by=request.user, **form.service_arguments()),
        made_at=lambda made: reverse("send_core:review", args=[made.pk]),
        success="The review has been recorded. Check it, then close it to act on its decision.",
        page=lambda: _review_form_page(
            request, form, plan, pupil, title, "Save review", reverse("send_core:plan", args=[plan.pk])
        ),
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, review_id: int) -> HttpResponse:
    item, pupil = _review(request, review_id)
    permissions.require_record_review(request.user, request.roles, pupil)
    record_view_on_get(request, pupil, "review")
    form = ReviewForm(posted(request), outcomes=item.plan.outcomes.all(), review=item, version=version_of(item))
    back = reverse("send_core:review", args=[item.pk])
    return act(
        request,
        form,
        lambda data: review_services.update_review(
            item, changed_by=request.user, seen_version=data.get("seen_version"), **form.service_arguments()
        ),
        success="The review has been saved.",
        redirect_to=back,
        page=lambda: _review_form_page(request, form, item.plan, pupil, "Change the review", "Save review", back),
    )


@require_POST
def close(request: HttpRequest, review_id: int) -> HttpResponse:
    """Close the review and act on its decision (continue, revise, request an EHC needs assessment, leave the register)."""
    item, pupil = _review(request, review_id)
    form = PlanDateForm(request.POST)
    if not form.is_valid():
        return render(
            request, "send_core/reviews/review.html", _review_context(request, item, pupil, close_form=form), status=400
        )
    try:
        closed = review_services.close_review(item, closed_by=request.user, on=form.cleaned_data["on"])
    except ValidationError as error:
        return errors_page(request, "send_core/reviews/review.html", _review_context(request, item, pupil), error)
    if closed.next_plan_id:
        messages.success(
            request, "The review is closed. A revised draft plan carries forward the outcomes not yet met."
        )
        return redirect("send_core:plan", closed.next_plan_id)
    messages.success(request, f"The review is closed: {closed.get_decision_display().lower()}.")
    return redirect("send_core:review", closed.pk)
