"""The school's own lists (classes and their staff, staff training), a pupil leaving, and keeping parents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import errors_page, form_page, paginate, posted

from tenants.models import User

from .. import permissions
from ..forms import ParentCarerForm
from ..forms.school import ClassStaffForm, LeavingForm, SchoolClassForm, StaffTrainingForm
from ..models import ParentCarer, SchoolClass
from ..selectors.pupils import school_classes
from ..selectors.training import staff_training
from ..services import pupils as pupil_services
from ..services.concurrency import version_of
from ..services.training import record_staff_training
from .common import pupil_for, record_view_on_get

CLASSES_TEMPLATE = "send_core/school/classes.html"


# --- Classes and their staff -------------------------------------------------------------------


def _staff_form(request: HttpRequest, school_class: SchoolClass, data: Any = None) -> ClassStaffForm:
    return ClassStaffForm(data, organisation=request.tenant, prefix=f"class-{school_class.pk}")


def _classes_context(
    request: HttpRequest, *, class_form: SchoolClassForm | None = None, bound: ClassStaffForm | None = None
) -> dict[str, Any]:
    classes = list(school_classes())
    rows = [
        {"school_class": item, "form": bound if bound is not None and bound.prefix == f"class-{item.pk}" else None}
        for item in classes
    ]
    for row in rows:
        row["form"] = row["form"] or _staff_form(request, row["school_class"])
    return {"rows": rows, "form": class_form or SchoolClassForm()}


@require_http_methods(["GET", "POST"])
def classes(request: HttpRequest) -> HttpResponse:
    """Every class with its teachers and teaching assistants; adding a class."""
    permissions.require_edit_pupil_details(request.roles)
    form = SchoolClassForm(posted(request))
    return act(
        request,
        form,
        lambda data: pupil_services.create_school_class(created_by=request.user, **data),
        success=lambda school_class: f"{school_class.name} has been added.",
        redirect_to=reverse("send_core:classes"),
        page=lambda: form_page(request, CLASSES_TEMPLATE, _classes_context(request, class_form=form), form),
    )


@require_POST
def assign_staff(request: HttpRequest, class_id: int) -> HttpResponse:
    permissions.require_edit_pupil_details(request.roles)
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    form = _staff_form(request, school_class, request.POST)
    return act(
        request,
        form,
        lambda data: pupil_services.assign_class_staff(
            school_class, user=data["user"], assigned_by=request.user, role=data["role"]
        ),
        success=lambda _: f"{form.cleaned_data['user']} now works with {school_class.name}.",
        redirect_to=reverse("send_core:classes"),
        page=lambda: form_page(request, CLASSES_TEMPLATE, _classes_context(request, bound=form), form),
    )


@require_POST
def remove_staff(request: HttpRequest, class_id: int, user_id: int) -> HttpResponse:
    permissions.require_edit_pupil_details(request.roles)
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    link = school_class.staff.filter(user_id=user_id).first()
    if link is None:
        raise Http404("That member of staff does not work with this class.")
    user = User.objects.get(pk=user_id)
    try:
        pupil_services.remove_class_staff(school_class, user=user, removed_by=request.user)
    except ValidationError as error:
        return errors_page(request, CLASSES_TEMPLATE, _classes_context(request), error)
    messages.success(request, f"{user} no longer works with {school_class.name}.")
    return redirect("send_core:classes")


# --- Staff training ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    """The staff's SEND training records, newest first, and recording another."""
    permissions.require_manage_staff_training(request.roles)
    form = StaffTrainingForm(posted(request), organisation=request.tenant)
    context = {"form": form, "page": paginate(request, staff_training())}
    return act(
        request,
        form,
        lambda data: record_staff_training(recorded_by=request.user, **data),
        success=lambda record: f"{record.course} has been recorded for {record.user}.",
        redirect_to=reverse("send_core:training"),
        page=lambda: form_page(request, "send_core/school/training.html", context, form),
    )


# --- A pupil leaving ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def record_leaving(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id, send_record=False)
    permissions.require_edit_pupil_details(request.roles)
    record_view_on_get(request, pupil, "details")
    initial = {"destination": pupil.destination, "destination_urn": pupil.destination_urn}
    if pupil.leaving_date:
        initial["leaving_date"] = pupil.leaving_date
    form = LeavingForm(posted(request), initial=initial)
    context = {
        "form": form,
        "title": "Record leaving",
        "caption": pupil.display_name,
        "intro": "Their place on the SEND register ends and any current plan closes on the leaving date.",
        "button": "Record leaving",
        "back_url": reverse("send_core:pupil", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: pupil_services.record_leaving(pupil, recorded_by=request.user, **data),
        success=f"{pupil.display_name} has been recorded as having left.",
        redirect_to=reverse("send_core:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


# --- Parents and carers ------------------------------------------------------------------------


def _parent(request: HttpRequest, parent_id: int) -> ParentCarer:
    parent = ParentCarer.objects.filter(pk=parent_id).first()
    if parent is None:
        raise Http404("There is no parent or carer with this number in your school.")
    pupil_for(request, parent.pupil_id, send_record=False)
    permissions.require_edit_pupil_details(request.roles)
    return parent


@require_http_methods(["GET", "POST"])
def edit_parent(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = _parent(request, parent_id)
    pupil = parent.pupil
    record_view_on_get(request, pupil, "parents")
    initial = {name: getattr(parent, name) for name in ParentCarerForm.base_fields}
    form = ParentCarerForm(posted(request), initial=initial, version=version_of(parent))
    context = {
        "form": form,
        "title": "Change a parent or carer",
        "caption": pupil.display_name,
        "button": "Save",
        "back_url": reverse("send_core:pupil", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: pupil_services.update_parent_carer(parent, changed_by=request.user, **data),
        success=lambda _: f"{form.cleaned_data['name']}'s details have been saved.",
        redirect_to=reverse("send_core:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_http_methods(["GET", "POST"])
def remove_parent(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = _parent(request, parent_id)
    pupil = parent.pupil
    back_url = reverse("send_core:pupil", args=[pupil.pk])
    context = {
        "title": f"Remove {parent.name}?",
        "caption": pupil.display_name,
        "text": f"{parent.name} ({parent.get_relationship_display()}) will no longer be recorded for this pupil.",
        "button": "Remove parent or carer",
        "back_url": back_url,
    }
    if request.method == "POST":
        try:
            pupil_services.remove_parent_carer(parent, removed_by=request.user)
        except ValidationError as error:
            return errors_page(request, "send_core/confirm.html", context, error)
        messages.success(request, f"{parent.name} has been removed.")
        return redirect(back_url)
    record_view_on_get(request, pupil, "parents")
    return render(request, "send_core/confirm.html", context)
