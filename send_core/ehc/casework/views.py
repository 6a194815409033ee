"""The local authority's casework pages: the inbox of requests and annual reviews, a case with the
timeline of its statutory clock and every act on it, caseload by caseworker, and deadlines.
For caseworkers and SEN managers."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from send_core.services.base import AuditAction, audit, today
from send_core.views.common import record_children_shown

from .. import reviews, threads
from ..models import AdviceRequest, CaseAnnualReview, CaseStatus, EhcCase, EhcPlanStatus
from ..permissions import ALLOCATORS, require_casework
from . import annual_reviews, family_requests, plans, selectors, services
from .forms import (
    AdviceForm,
    AdviceReceivedForm,
    AllocateForm,
    AnnualReviewDecisionForm,
    DecisionForm,
    ExceptionForm,
    FamilyRequestForm,
    FinalPlanForm,
    NoPlanForm,
    PlanSectionsForm,
    QuestionForm,
)

TEMPLATES = "ehc/la/"


def _la(request: HttpRequest) -> None:
    if request.tenant.kind != "local_authority":
        raise Http404("Casework happens in a local authority.")
    require_casework(request.roles)


def _case(request: HttpRequest, case_id: int) -> EhcCase:
    _la(request)
    try:
        return selectors.get_case(case_id)
    except EhcCase.DoesNotExist:
        raise Http404("There is no such case.") from None


def _record_cases_shown(request: HttpRequest, case_ids, what: str) -> None:
    """A casework list names children with where their assessment stands: one row in the LA's trail
    per response. An LA holds no pupils; its children are known by their case."""
    record_children_shown(request, case_ids, what, object_type="ehc_cases")


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """New requests and annual reviews not yet taken in, and open cases with their next deadline."""
    _la(request)
    on = today()
    # Only messages not yet taken in: opening a request as a case, or filing a review, acknowledges it.
    waiting = selectors.inbox(request.tenant)
    cases = [
        (case, selectors.next_deadline(case, today=on)) for case in selectors.open_cases().order_by("received_on", "id")
    ]
    reviews_awaiting = list(selectors.annual_reviews_awaiting_decision())
    context = {
        "new_requests": waiting.new_requests,
        "new_reviews": waiting.new_reviews,
        "cases": cases,
        "reviews_awaiting": reviews_awaiting,
        "today": on,
    }
    _record_cases_shown(
        request, [case.pk for case, _ in cases] + [review.case_id for review, _ in reviews_awaiting], "casework inbox"
    )
    return render(request, TEMPLATES + "inbox.html", context)


@require_POST
def open_request(request: HttpRequest, message_id: int) -> HttpResponse:
    _la(request)
    try:
        case = services.open_ehc_request(message_id, opened_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ehc:casework")
    messages.success(request, f"Case {case.reference} is open. The clock started on {case.received_on:%-d %B %Y}.")
    return redirect("ehc:case", case.pk)


@require_POST
def receive_review(request: HttpRequest, message_id: int) -> HttpResponse:
    _la(request)
    try:
        review = annual_reviews.receive_annual_review(message_id, received_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ehc:casework")
    return redirect("ehc:case-annual-review", review.pk)


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    _la(request)
    status = request.GET.get("status", "")
    items = selectors.cases().order_by("-received_on", "-id")
    if status:
        items = items.filter(status=status)
    shown = list(items[:500])
    _record_cases_shown(request, [case.pk for case in shown], "all cases")
    return render(request, TEMPLATES + "cases.html", {"cases": shown, "statuses": CaseStatus.choices, "status": status})


def _case_context(request: HttpRequest, case: EhcCase, **forms) -> dict:
    on = today()
    versions = list(selectors.case_plans(case))
    working_plan = next((p for p in versions if p.status == EhcPlanStatus.DRAFT and p.issued_on is None), None)
    issued_draft = next((p for p in versions if p.status == EhcPlanStatus.DRAFT and p.issued_on), None)
    context = {
        "case": case,
        "timeline": selectors.case_timeline(case, today=on),
        "advice": list(case.advice_requests.all()),
        "exceptions": list(case.exceptions.all()),
        "plans": versions,
        "working_plan": working_plan,
        "issued_draft": issued_draft,
        "annual_reviews": list(case.annual_reviews.all()),
        "thread": threads.thread(case.request_envelope_id, organisation=request.tenant),
        "can_allocate": bool(request.roles & ALLOCATORS),
        "allocate_form": AllocateForm(
            caseworkers=selectors.caseworkers(request.tenant), initial={"caseworker": case.caseworker_id}
        ),
        "question_form": QuestionForm(),
        "decision_form": DecisionForm(initial={"on": on}),
        "advice_form": AdviceForm(initial={"on": on}),
        "exception_form": ExceptionForm(advice=list(case.advice_requests.all())),
        "no_plan_form": NoPlanForm(initial={"on": on}),
        "final_form": FinalPlanForm(),
        "today": on,
        # The school's answers are opened (an audited act) when the caseworker chooses to read them.
        "unread": threads.unread_in_thread(
            case.request_envelope_id, case.applied_envelope_ids, organisation=request.tenant
        ),
    }
    context.update(forms)
    return context


@require_POST
def read_replies(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    try:
        taken = services.take_in_school_replies(item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if taken:
            messages.success(request, f"{len(taken)} answer(s) from {item.school_name} read and added to the case.")
    return redirect("ehc:case", item.pk)


@require_GET
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    audit(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=item,
        pupil_id=None,
        summary=f"Viewed case {item.reference}",
    )
    return render(request, TEMPLATES + "case.html", _case_context(request, item))


def _act(request: HttpRequest, item: EhcCase, form, do, success: str, form_name: str) -> HttpResponse:
    """Run one act from a form on the case page; on refusal show the case again with the form's errors."""

    def page() -> HttpResponse:
        fresh = selectors.get_case(item.pk)
        context = _case_context(request, fresh, failed_forms=[form], **{form_name: form})
        return form_page(request, TEMPLATES + "case.html", context, form)

    return act(request, form, do, success=success, redirect_to=reverse("ehc:case", args=[item.pk]), page=page)


@require_POST
def allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    workers = selectors.caseworkers(request.tenant)
    form = AllocateForm(request.POST, caseworkers=workers)
    by_id = {user.pk: user for user in workers}
    return _act(
        request,
        item,
        form,
        lambda data: services.allocate_case(item, caseworker=by_id.get(data["caseworker"]), allocated_by=request.user),
        "The case has been allocated.",
        "allocate_form",
    )


@require_POST
def ask_for_information(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        QuestionForm(request.POST),
        lambda data: services.ask_school_for_information(item, asked_by=request.user, question=data["question"]),
        f"Your question has been sent to {item.school_name}.",
        "question_form",
    )


@require_POST
def decide(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        DecisionForm(request.POST),
        lambda data: services.decide_whether_to_assess(
            item, decided_by=request.user, agree=data["decision"] == "agree", reasons=data["reasons"], on=data["on"]
        ),
        f"The decision has been recorded and sent to {item.school_name}.",
        "decision_form",
    )


@require_POST
def request_advice(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        AdviceForm(request.POST),
        lambda data: services.request_advice(
            item, requested_by=request.user, source=data["source"], requested_from=data["requested_from"], on=data["on"]
        ),
        "The advice request has been recorded; it is due in six weeks.",
        "advice_form",
    )


@require_http_methods(["GET", "POST"])
def advice_received(request: HttpRequest, advice_id: int) -> HttpResponse:
    _la(request)
    try:
        advice = AdviceRequest.objects.select_related("case").get(pk=advice_id)
    except AdviceRequest.DoesNotExist:
        raise Http404("There is no such advice request.") from None
    form = AdviceReceivedForm(posted(request), initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_advice_received(
                advice, recorded_by=request.user, on=form.cleaned_data["on"], notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The advice has been recorded as received.")
            return redirect("ehc:case", advice.case_id)
    context = {
        "form": form,
        "title": f"{advice.get_source_display()} advice received",
        "caption": f"{advice.case.reference} · {advice.case.child_name}",
        "button": "Record",
        "back_url": f"/casework/cases/{advice.case_id}/",
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_POST
def record_exception(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        ExceptionForm(request.POST, advice=list(item.advice_requests.all())),
        lambda data: services.record_clock_exception(
            item,
            recorded_by=request.user,
            **{**data, "advice": item.advice_requests.filter(pk=data["advice"]).first() if data["advice"] else None},
        ),
        "The exception has been recorded and the deadlines after it have moved.",
        "exception_form",
    )


@require_POST
def no_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        NoPlanForm(request.POST),
        lambda data: services.issue_no_plan_notice(
            item, issued_by=request.user, reasons=data["reasons"], on=data["on"]
        ),
        f"The notice has been sent to {item.school_name}.",
        "no_plan_form",
    )


@require_http_methods(["GET", "POST"])
def write_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """Sections A to K of the plan being written; save, or save and issue it as the draft."""
    item = _case(request, case_id)
    versions = list(selectors.case_plans(item))
    current = next((p for p in versions if p.status in (EhcPlanStatus.DRAFT, EhcPlanStatus.FINAL)), None)
    initial = {f"section_{k}": v for k, v in current.section_texts().items()} if current else {}
    if not current:
        initial["section_a"] = ""
        initial["section_b"] = "\n".join(
            f"{n.get('type_label', n.get('type'))} ({n.get('rank')})" for n in item.evidence.get("needs", [])
        )
    form = PlanSectionsForm(posted(request), initial=initial, version=selectors.plan_being_written_version(item))
    if request.method == "POST" and form.is_valid():
        try:
            seen = form.cleaned_data.get("seen_version")
            plans.save_plan_draft(item, written_by=request.user, sections=form.sections(), seen_version=seen)
            if "issue" in request.POST:
                plans.issue_draft_plan(item, issued_by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The draft plan has been issued to the school and family."
                if "issue" in request.POST
                else "The plan has been saved.",
            )
            return redirect("ehc:case", item.pk)
    context = {"case": item, "form": form, "can_issue": item.status == "assessing"}
    return form_page(request, TEMPLATES + "write_plan.html", context, form)


@require_POST
def issue_final(request: HttpRequest, case_id: int) -> HttpResponse:
    item = _case(request, case_id)
    return _act(
        request,
        item,
        FinalPlanForm(request.POST),
        lambda data: plans.issue_final_plan(
            item, issued_by=request.user, comments_considered=data["comments_considered"]
        ),
        f"The final EHC plan has been issued to {item.school_name}.",
        "final_form",
    )


@require_GET
def plan(request: HttpRequest, case_id: int, version: int) -> HttpResponse:
    item = _case(request, case_id)
    found = next((p for p in selectors.case_plans(item) if p.version == version), None)
    if found is None:
        raise Http404("There is no such version of the plan.")
    return render(request, TEMPLATES + "plan.html", {"case": item, "plan": found})


@require_http_methods(["GET", "POST"])
def family_request(request: HttpRequest) -> HttpResponse:
    """Record a request a parent or young person made themselves (CFA 2014 s36(1)); its clock starts that day."""
    _la(request)
    form = FamilyRequestForm(posted(request), initial={"received_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            case = family_requests.record_family_request(recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Case {case.reference} opened; its clock runs from the day the request arrived.")
            return redirect("ehc:case", case.pk)
    context = {
        "form": form,
        "title": "Record a request from a parent or young person",
        "intro": "A parent or young person may ask for an EHC needs assessment themselves. "
        "The 6-week decision and the 20-week plan run from the day the request was received.",
        "button": "Open the case",
        "back_url": "/casework/",
    }
    return form_page(request, "send_core/form_page.html", context, form)


@require_http_methods(["GET", "POST"])
def case_annual_review(request: HttpRequest, review_id: int) -> HttpResponse:
    """A school's annual review report: decide on it; after a decision to amend, issue the amended plan."""
    _la(request)
    try:
        review = CaseAnnualReview.objects.select_related("case").get(pk=review_id)
    except CaseAnnualReview.DoesNotExist:
        raise Http404("There is no such annual review.") from None
    form = amend_form = None
    if not review.decision:
        form = AnnualReviewDecisionForm(
            posted(request), initial={"on": today(), "decision": review.school_recommendation}
        )

        def do(data: dict) -> None:
            annual_reviews.decide_annual_review(review, decided_by=request.user, **data)

        done = f"The decision has been sent to {review.case.school_name}."
    elif review.decision == "amend" and review.amended_plan_issued_on is None:
        current = next((p for p in selectors.case_plans(review.case) if p.status == EhcPlanStatus.FINAL), None)
        initial = {f"section_{k}": v for k, v in current.section_texts().items()} if current else {}
        form = amend_form = PlanSectionsForm(posted(request), initial=initial)

        def do(data: dict) -> None:
            annual_reviews.issue_amended_plan(review, issued_by=request.user, sections=amend_form.sections())

        done = f"The amended plan has been issued to {review.case.school_name}."
    if request.method == "POST":
        if form is None:
            raise Http404("Nothing more to do on this review.")
        if form.is_valid():
            try:
                do(form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, done)
                return redirect("ehc:case-annual-review", review.pk)
    context = {
        "review": review,
        "form": form,
        "amending": amend_form is not None,
        "decision_due": reviews.review_decision_due(review.meeting_on),
        "amendment_due": reviews.amended_plan_due(review.amendment_notice_on) if review.amendment_notice_on else None,
        "amendment_from": (
            reviews.amended_plan_may_issue_from(review.amendment_notice_on) if review.amendment_notice_on else None
        ),
    }
    return form_page(request, TEMPLATES + "annual_review.html", context, form)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    _la(request)
    return render(request, TEMPLATES + "caseload.html", {"rows": selectors.caseload(today=today())})


@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    """Deadlines this week (today and the next six days) and everything overdue."""
    _la(request)
    on = today()
    week = selectors.deadlines_between(on, on + datetime.timedelta(days=6), today=on)
    context = {
        "week": [row for row in week if row.milestone.state != "overdue"],
        "overdue": list(selectors.overdue(today=on)),
        "today": on,
    }
    _record_cases_shown(request, [row.case.pk for row in context["week"] + context["overdue"]], "deadlines")
    return render(request, TEMPLATES + "deadlines.html", context)
