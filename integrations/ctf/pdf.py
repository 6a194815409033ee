"""The transition file as a printable PDF, for a next school that is not on Cairn (fpdf2, pure Python)."""

from __future__ import annotations

import datetime
from typing import Any

from fpdf import FPDF

# The PDF's built-in fonts are Latin-1: typographic punctuation is written in its plain form.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
    }
)


def _latin(text: Any) -> str:
    return str(text if text is not None else "").translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.title_text = title
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(_latin(title))
        self.set_creator("Cairn")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, _latin(f"{self.title_text} - page {self.page_no()}"), align="C")

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)

    def para(self, text: Any, *, label: str = "") -> None:
        if not text and not label:
            return
        self.set_font("Helvetica", size=10)
        if label:
            self.set_font("Helvetica", "B", 10)
            self.multi_cell(0, 5, _latin(label), new_x="LMARGIN", new_y="NEXT")
            self.set_font("Helvetica", size=10)
        self.multi_cell(0, 5, _latin(text or "Not recorded."), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def bullet(self, text: str) -> None:
        self.set_font("Helvetica", size=10)
        self.multi_cell(0, 5, _latin(f"- {text}"), new_x="LMARGIN", new_y="NEXT")


def transition_pdf(record: dict[str, Any]) -> bytes:
    """The record (as `send_core.transition.records.transition_record` builds it) as a PDF."""
    pupil = record.get("pupil") or {}
    school = record.get("school") or {}
    name = pupil.get("display_name") or f"{pupil.get('legal_first_name', '')} {pupil.get('last_name', '')}"
    document = _Document(f"Transition file: {name}")
    document.add_page()
    document.set_font("Helvetica", "B", 18)
    document.multi_cell(0, 9, _latin(f"Transition file: {name}"), new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", size=10)
    document.para(
        f"From {school.get('name', '')} (URN {school.get('urn', '')}, DfE {school.get('la_code', '')}/"
        f"{school.get('establishment_number', '')}). Confidential: shared with parents' consent."
    )
    document.heading("About the pupil")
    for label, value in (
        ("UPN", pupil.get("upn")),
        ("Legal name", f"{pupil.get('legal_first_name', '')} {pupil.get('last_name', '')}"),
        ("Known as", pupil.get("preferred_name")),
        ("Date of birth", _date(pupil.get("date_of_birth"))),
        ("Year group", pupil.get("year_label")),
    ):
        if value:
            document.bullet(f"{label}: {value}")
    sections = record.get("sections") or []
    if "needs" in sections:
        document.heading("Needs")
        for need in record.get("needs") or []:
            if not need.get("ended_on"):
                document.bullet(
                    f"{need.get('need_label')} ({need.get('rank_label', '').lower()}) since {_date(need.get('started_on'))}"
                )
        for diagnosis in record.get("diagnoses") or []:
            document.bullet(
                f"Diagnosis: {diagnosis.get('name')} ({diagnosis.get('source_label')}, {_date(diagnosis.get('diagnosed_on'))})"
            )
        document.heading("Register history", 12)
        for entry in record.get("register") or []:
            until = f" to {_date(entry.get('ended_on'))}" if entry.get("ended_on") else " (current)"
            document.bullet(
                f"{entry.get('stage_label')} [{entry.get('census_code')}] from {_date(entry.get('started_on'))}{until}"
            )
    plan = record.get("plan")
    if "plan" in sections:
        document.heading("Current plan and what works")
        if plan:
            document.para(f"{plan.get('title')} ({plan.get('status_label', '').lower()})")
            document.para(plan.get("child_views"), label="The child's views")
            document.para(plan.get("parent_views"), label="Parents' views")
            document.para(plan.get("strengths"), label="Strengths")
            document.para(plan.get("needs_summary"), label="Needs")
            document.para(plan.get("strategies"), label="What works")
            for outcome in plan.get("outcomes") or []:
                target = f" Target: {outcome.get('target')}" if outcome.get("target") else ""
                document.bullet(f"{outcome.get('description')}.{target}")
        else:
            document.para("No current plan.")
    if "reviews" in sections:
        document.heading("Reviews")
        for review in record.get("reviews") or []:
            document.para(
                review.get("notes"), label=f"{_date(review.get('held_on'))}: {review.get('decision_label', '')}"
            )
            for item in review.get("progress") or []:
                document.bullet(f"{item.get('outcome')}: {item.get('progress_label')}")
        if not record.get("reviews"):
            document.para("No reviews recorded.")
    if "provision" in sections:
        document.heading("Provision and its impact")
        for line in record.get("provision") or []:
            extra = ", ".join(str(p) for p in (line.get("frequency"), line.get("staff_role")) if p)
            document.bullet(f"{line.get('description')}{f' ({extra})' if extra else ''}")
        for item in record.get("assessments") or []:
            document.bullet(f"{item.get('kind_label')} on {_date(item.get('assessed_on'))}: {item.get('value')}")
    if "agencies" in sections:
        document.heading("Agencies")
        for item in record.get("agencies") or []:
            document.bullet(
                f"{item.get('agency')} - {item.get('status_label')} (referred {_date(item.get('referred_on'))})"
            )
    if "ehc_plan" in sections and record.get("ehc_plan"):
        document.heading("EHC plan")
        for section in record["ehc_plan"].get("sections") or []:
            document.para(
                section.get("text"),
                label=f"Section {section.get('letter') or section.get('key', '')}: {section.get('title', '')}",
            )
    if "medical" in sections:
        document.heading("Medical information")
        for item in record.get("medical") or []:
            care = "; individual healthcare plan" if item.get("has_care_plan") else ""
            document.bullet(
                f"{item.get('condition')}{care}{'; ' + item['medication'] if item.get('medication') else ''}"
            )
        if not record.get("medical"):
            document.para("No medical conditions recorded.")
    profile = record.get("profile")
    if "profile" in sections and profile:
        document.heading("One-page profile")
        document.para(profile.get("child_views"), label="What I think")
        document.para(profile.get("strengths"), label="What I am good at")
        document.para(profile.get("what_works"), label="What helps me")
    if "documents" in sections and record.get("documents"):
        document.heading("Documents sent with this file")
        for item in record["documents"]:
            document.bullet(f"{item.get('title')} ({item.get('kind_label')})")
    return bytes(document.output())
