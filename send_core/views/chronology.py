"""A pupil's chronology: everything on their record in time order, filtered by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..chronology import pupil_chronology
from ..forms import ChronologyFilterForm
from .common import pupil_context, pupil_for, record_view


@require_GET
def chronology(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    form = ChronologyFilterForm(request.GET or None)
    kinds = (form.cleaned_data.get("kind") if form.is_valid() else None) or None
    record_view(request, pupil, "chronology")
    entries = pupil_chronology(pupil, kinds=kinds, newest_first=True)
    context = pupil_context(request, pupil, "chronology", form=form, entries=entries, filtered=bool(kinds))
    return render(request, "send_core/records/chronology.html", context)
