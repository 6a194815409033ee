"""The school's EHC pages: a pupil's EHC section, the request builder and preview, its status and thread,
the EHC plan as issued, and annual reviews. For the SENCO and the headteacher."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.pages import errors_page, form_page, posted

from send_core.services.base import today
from send_core.services.concurrency import version_of
from send_core.views.common import pupil_context, pupil_for, record_children_shown, record_view, toolkit

from .. import reviews, threads
from ..evidence import evidence_for
from ..models import AnnualReview, AnnualReviewStatus, EhcPlan, EhcRequest
from ..permissions import can_work_on_requests, require_school_ehc
from . import annual_reviews, selectors, services
from .forms import AnnualReviewPlanForm, AnnualReviewRecordForm, ReplyForm, RequestForm

TEMPLATES = "ehc/school/"


def _in_a_school(request: HttpRequest) -> None:
    if request.tenant.kind != "school":
        raise Http404("This page belongs to a school.")


def _school(request: HttpRequest) -> None:
    """Requests and annual reviews: the SENCO and the headteacher."""
    _in_a_school(request)
    require_school_ehc(request.roles)


def _request(request: HttpRequest, request_id: int) -> EhcRequest:
    _school(request)
    try:
        item = EhcRequest.objects.select_related("pupil", "consent").get(pk=request_id)
    except EhcRequest.DoesNotExist:
        raise Http404("There is no such EHC request.") from None
    pupil_for(request, item.pupil_id)
    return item


@require_GET
def pupil_ehc(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """A pupil's EHC section: requests and their status, the plan, annual reviews and when the next is due.

    Everyone who reads the pupil's SEND record sees the plan; requests and reviews are the SENCO's.
    """
    _in_a_school(request)
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "EHC")
    plan = selectors.current_ehc_plan(pupil)
    context = pupil_context(
        request,
        pupil,
        "ehc",
        works_on_requests=can_work_on_requests(request.roles),
        requests=list(selectors.requests_for(pupil)),
        plan=plan,
        annual_reviews=list(selectors.annual_reviews_for(pupil)),
        next_review_due=selectors.next_annual_review_due(pupil),
        phase_transfer_due=selectors.phase_transfer_due_for(pupil, today()) if plan else None,
    )
    return render(request, TEMPLATES + "pupil_ehc.html", context)


@require_POST
def start_request(request: HttpRequest, pupil_id: int) -> HttpResponse:
    _school(request)
    pupil = pupil_for(request, pupil_id)
    try:
        item = services.start_ehc_request(pupil, started_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ehc:pupil-ehc", pupil.pk)
    return redirect("ehc:request", item.pk)


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    _school(request)
    requests = list(selectors.school_requests())
    record_children_shown(request, [item.pupil_id for item in requests], "EHC requests")
    return render(request, TEMPLATES + "requests.html", {"requests": requests})


def _builder_context(request: HttpRequest, item: EhcRequest, form: RequestForm | None = None) -> dict:
    evidence = evidence_for(item, toolkit(request), today=today())
    documents = list(selectors.documents_for_request(item.pupil))
    if form is None:
        form = RequestForm(
            initial={
                "reason": item.reason,
                "parent_views": item.parent_views,
                "child_views": item.child_views,
                "evidence_keys": item.evidence_keys,
                "document_ids": item.document_ids,
            },
            evidence=evidence,
            documents=documents,
            version=version_of(item),
        )
    from send_core.models import ConsentScope
    from send_core.selectors.agencies import consent_on

    return pupil_context(
        request,
        item.pupil,
        "ehc",
        ehc_request=item,
        form=form,
        evidence=evidence,
        consent=consent_on(item.pupil, ConsentScope.SHARE_WITH_LA, today()),
    )


@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """While being prepared: the builder. Once sent: its status, the LA's questions and the thread."""
    item = _request(request, request_id)
    if not item.is_draft:
        return _status_page(request, item)
    if request.method == "POST":
        evidence = evidence_for(item, toolkit(request), today=today())
        documents = list(selectors.documents_for_request(item.pupil))
        form = RequestForm(request.POST, evidence=evidence, documents=documents, version=version_of(item))
        if form.is_valid():
            try:
                services.update_ehc_request(
                    item,
                    changed_by=request.user,
                    reason=form.cleaned_data["reason"],
                    parent_views=form.cleaned_data["parent_views"],
                    child_views=form.cleaned_data["child_views"],
                    evidence_keys=form.cleaned_data["evidence_keys"],
                    document_ids=form.cleaned_data.get("document_ids", []),
                    seen_version=form.cleaned_data.get("seen_version"),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if "preview" in request.POST:
                    return redirect("ehc:request-preview", item.pk)
                messages.success(request, "The request has been saved.")
                return redirect("ehc:request", item.pk)
        return form_page(request, TEMPLATES + "builder.html", _builder_context(request, item, form), form)
    record_view(request, item.pupil, "EHC request")
    return render(request, TEMPLATES + "builder.html", _builder_context(request, item))


@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, request_id: int) -> HttpResponse:
    """Exactly what the LA will receive; sending happens here, and is refused naming anything missing."""
    item = _request(request, request_id)
    if not item.is_draft:
        return redirect("ehc:request", item.pk)
    kit = toolkit(request)
    if request.method == "GET":
        record_view(request, item.pupil, "EHC request preview")
    problems: list[str] = []
    try:
        services.check_ready_to_submit(item, on=today())
    except ValidationError as error:
        problems = error.messages
    if request.method == "POST":
        try:
            services.submit_ehc_request(item, submitted_by=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request, f"The request has been sent to {item.local_authority_name or 'the local authority'}."
            )
            return redirect("ehc:request", item.pk)
    payload = selectors.request_payload(item, kit, today=today())
    context = pupil_context(
        request,
        item.pupil,
        "ehc",
        ehc_request=item,
        payload=payload,
        documents=list(selectors.documents_for_request(item.pupil).filter(pk__in=item.document_ids)),
        action_errors=problems if request.method == "POST" else [],
        problems=problems,
    )
    return render(
        request, TEMPLATES + "preview.html", context, status=400 if request.method == "POST" and problems else 200
    )


def _status_page(
    request: HttpRequest, item: EhcRequest, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    if request.method == "GET":
        record_view(request, item.pupil, "EHC request")
    thread = threads.thread(item.envelope_id, organisation=request.tenant)
    # Opening a message is an audited act, so it happens when the SENCO chooses to read them (a POST).
    unread = threads.unread_in_thread(item.envelope_id, item.applied_envelope_ids, organisation=request.tenant)
    context = pupil_context(
        request,
        item.pupil,
        "ehc",
        ehc_request=item,
        thread=thread,
        plans=list(selectors.plans_for(item.pupil)),
        reply_form=reply_form or ReplyForm(),
        unread=unread,
    )
    return render(request, TEMPLATES + "status.html", context, status=status)


@require_POST
def read_replies(request: HttpRequest, request_id: int) -> HttpResponse:
    """Open what the LA has sent since last time and bring it into the request (and the pupil's record)."""
    item = _request(request, request_id)
    try:
        taken = services.take_in_local_authority_replies(item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if taken:
            messages.success(
                request, f"{len(taken)} message(s) from the local authority read and added to the request."
            )
    return redirect("ehc:request", item.pk)


@require_POST
def reply(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _request(request, request_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_local_authority(item, replied_by=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Your answer has been sent to the local authority.")
            return redirect("ehc:request", item.pk)
    return _status_page(request, item, reply_form=form, status=400)


@require_GET
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    _in_a_school(request)
    try:
        item = EhcPlan.objects.select_related("pupil").get(pk=plan_id, pupil__isnull=False)
    except EhcPlan.DoesNotExist:
        raise Http404("There is no such EHC plan.") from None
    pupil = pupil_for(request, item.pupil_id)
    record_view(request, pupil, "EHC plan")
    return render(request, TEMPLATES + "plan.html", pupil_context(request, pupil, "ehc", plan=item))


@require_http_methods(["GET", "POST"])
def plan_annual_review(request: HttpRequest, pupil_id: int) -> HttpResponse:
    _school(request)
    pupil = pupil_for(request, pupil_id)
    form = AnnualReviewPlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = annual_reviews.plan_annual_review(pupil, planned_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The annual review has been arranged.")
            return redirect("ehc:annual-review", review.pk)
    due = selectors.next_annual_review_due(pupil)
    context = {
        "form": form,
        "title": "Arrange the annual review",
        "caption": pupil.display_name,
        "intro": f"The review must be held by {due:%-d %B %Y}." if due else "",
        "button": "Arrange the review",
        "back_url": f"/pupils/{pupil.pk}/ehc/",
    }
    return form_page(request, "send_core/form_page.html", context, form)


def _annual_review(request: HttpRequest, review_id: int) -> AnnualReview:
    _school(request)
    try:
        review = AnnualReview.objects.select_related("pupil", "plan").get(pk=review_id)
    except AnnualReview.DoesNotExist:
        raise Http404("There is no such annual review.") from None
    pupil_for(request, review.pupil_id)
    return review


@require_http_methods(["GET", "POST"])
def annual_review(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _annual_review(request, review_id)
    if request.method == "POST" and "read_replies" in request.POST:
        if annual_reviews.take_in_annual_review_decision(review, user=request.user):
            messages.success(request, "The local authority's reply has been read and added to the review.")
        return redirect("ehc:annual-review", review.pk)
    form = None
    if review.status == AnnualReviewStatus.PLANNED:
        initial = {
            name: getattr(review, name)
            for name in (
                "participants",
                "child_views",
                "parent_views",
                "progress",
                "recommendation",
                "recommended_changes",
                "preparing_for_adulthood",
            )
        }
        form = AnnualReviewRecordForm(posted(request), initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                annual_reviews.record_annual_review(review, recorded_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    "The review has been recorded. Send it to the local authority within two weeks of the meeting.",
                )
                return redirect("ehc:annual-review", review.pk)
    elif request.method == "POST":
        raise PermissionDenied("This review has been sent to the local authority.")
    if request.method == "GET":
        record_view(request, review.pupil, "annual review")
    context = pupil_context(
        request,
        review.pupil,
        "ehc",
        review=review,
        form=form,
        report_due=reviews.review_report_due(review.meeting_on),
        unread=threads.unread_in_thread(review.envelope_id, review.applied_envelope_ids, organisation=request.tenant),
        decision_due=reviews.review_decision_due(review.meeting_on),
        representations_end=(
            reviews.amendment_representations_end(review.la_decided_on) if review.la_decided_on else None
        ),
    )
    return form_page(request, TEMPLATES + "annual_review.html", context, form)


@require_POST
def send_annual_review(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _annual_review(request, review_id)
    try:
        annual_reviews.send_annual_review(review, sent_by=request.user)
    except ValidationError as error:
        context = pupil_context(request, review.pupil, "ehc", review=review, form=None)
        return errors_page(request, TEMPLATES + "annual_review.html", context, error)
    messages.success(request, "The annual review has been sent to the local authority.")
    return redirect("ehc:annual-review", review.pk)
