"""Importing pupils from a school MIS export (CSV).

A mapping says which column holds each of our fields (`DEFAULT_MAPPING` fits the usual MIS
headers). An import is all or nothing: if any row has a problem, nothing is written and every
problem is reported with its line number (the header is line 1). Pupils are matched by UPN, so
importing the same export again updates them rather than adding them twice. Classes named in
the file are created if the school does not have them yet.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.validators import validate_name

from ..models import NCYear, Pupil, SchoolClass
from ..permissions import require_edit_pupil_details
from ..selectors.organisation import current_organisation
from ..signals import records_changed_in_bulk
from ..upn import is_temporary_upn, normalise_upn, validate_upn
from .base import AuditAction, acting_roles, audit_events_bulk, record_event, today

DEFAULT_MAPPING: dict[str, str] = {
    "upn": "UPN",
    "legal_first_name": "Legal Forename",
    "preferred_name": "Preferred Forename",
    "last_name": "Legal Surname",
    "date_of_birth": "DOB",
    "sex": "Gender",
    "nc_year": "Year",
    "school_class": "Reg Group",
    "admission_date": "Admission Date",
    "eal": "EAL",
    "pupil_premium": "Pupil Premium",
    "looked_after": "Looked After",
}
REQUIRED_FIELDS = ("upn", "legal_first_name", "last_name", "date_of_birth", "sex", "nc_year")
BOOLEAN_FIELDS = ("eal", "pupil_premium", "looked_after", "previously_looked_after", "service_child", "young_carer")
FIELD_LABELS: dict[str, str] = {
    "upn": "UPN",
    "legal_first_name": "legal first name",
    "preferred_name": "preferred name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "nc_year": "year group",
    "school_class": "class",
    "admission_date": "admission date",
    "eal": "EAL",
    "pupil_premium": "pupil premium",
    "looked_after": "looked after",
    "previously_looked_after": "previously looked after",
    "service_child": "service child",
    "young_carer": "young carer",
    "attendance_percentage": "attendance",
}
IMPORTABLE_FIELDS = frozenset(FIELD_LABELS)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
TRUE_WORDS = frozenset({"Y", "YES", "TRUE", "T", "1"})
FALSE_WORDS = frozenset({"", "N", "NO", "FALSE", "F", "0"})
NAME_MAX = 100


class ImportProblem(NamedTuple):
    """A problem with one line of the file: (line_number, field, message)."""

    line_number: int
    field: str
    message: str


@dataclass
class ImportRow:
    line_number: int
    values: dict[str, Any]


@dataclass
class ImportPreview:
    """What an import would do: the rows read, the problems found, and how many pupils it adds and updates."""

    rows: list[ImportRow]
    errors: list[ImportProblem]
    to_create: int
    to_update: int
    encoding: str = "utf-8"

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES.get(self.encoding, self.encoding)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    """What an import did (or, with errors, why it did nothing)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    classes_created: list[str] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading ---------------------------------------------------------------------------------


ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


def decode_mis_file(data: bytes | str) -> tuple[str, str]:
    """The file's text and the encoding it was read as: UTF-8 (with or without a BOM), else Windows-1252.

    Older MIS exports (and Excel's "CSV" on Windows) write Windows-1252, so "Prénom" arrives as byte 0xE9;
    reading that as UTF-8 with replacement would give headings that match no column.
    """
    if isinstance(data, str):
        return data.lstrip("\ufeff"), "utf-8"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; those become U+FFFD rather than refusing the whole file.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _text(file: IO[bytes] | IO[str] | bytes | str) -> tuple[str, str]:
    return decode_mis_file(file if isinstance(file, bytes | str) else file.read())


def _parse_date(value: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_year(value: str) -> str:
    word = value.upper().replace("YEAR", "").replace(" ", "")
    if word in {"RECEPTION", "REC", "R", "YR"}:
        return NCYear.RECEPTION
    if word in {"N1", "NURSERY1"}:
        return NCYear.N1
    if word in {"N2", "NURSERY2", "N"}:
        return NCYear.N2
    word = word.removeprefix("Y")
    if word.isdigit() and str(int(word)) in NCYear.values:
        return str(int(word))
    raise ValueError


def _parse_sex(value: str) -> str:
    word = value.strip().upper()
    if word in {"F", "FEMALE", "GIRL"}:
        return "F"
    if word in {"M", "MALE", "BOY"}:
        return "M"
    raise ValueError


def _parse_bool(value: str, name: str) -> bool:
    word = value.strip().upper()
    if name == "eal" and "ENGLISH" in word:  # "English" / "Other than English" / "Believed to be other than English"
        return "OTHER" in word
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def _parse_row(
    raw: Mapping[str, str], mapping: Mapping[str, str], line: int
) -> tuple[dict[str, Any], list[ImportProblem]]:
    values: dict[str, Any] = {}
    problems: list[ImportProblem] = []

    def problem(name: str, message: str) -> None:
        problems.append(ImportProblem(line, name, message))

    for name, header in mapping.items():
        value = (raw.get(header) or "").strip()
        label = FIELD_LABELS[name]
        if "\x00" in value:
            # PostgreSQL cannot store NUL; said here, by line, rather than failing the import.
            problem(name, f"The {label} contains a NUL character: correct it in the MIS export.")
            continue
        if not value:
            if name in REQUIRED_FIELDS:
                problem(name, f"The {label} is missing.")
            elif name in BOOLEAN_FIELDS:
                values[name] = False
            elif name in ("preferred_name", "school_class"):
                values[name] = ""
            else:
                values[name] = None
            continue
        try:
            if name == "upn":
                validate_upn(value)
                values[name] = normalise_upn(value)
            elif name in ("legal_first_name", "preferred_name", "last_name"):
                if len(value) > NAME_MAX:
                    raise ValidationError(f"The {label} is longer than {NAME_MAX} characters.")
                validate_name(value)
                values[name] = " ".join(value.split())
            elif name in ("date_of_birth", "admission_date"):
                values[name] = _parse_date(value)
            elif name == "sex":
                values[name] = _parse_sex(value)
            elif name == "nc_year":
                values[name] = _parse_year(value)
            elif name == "school_class":
                values[name] = " ".join(value.split())[:60]
            elif name in BOOLEAN_FIELDS:
                values[name] = _parse_bool(value, name)
            elif name == "attendance_percentage":
                number = Decimal(value.rstrip("%").strip())
                if not (0 <= number <= 100):
                    raise ValueError
                values[name] = number.quantize(Decimal("0.01"))
        except ValidationError as error:
            problem(name, " ".join(error.messages))
        except (ValueError, InvalidOperation):
            problem(name, _format_message(name, value))
    dob = values.get("date_of_birth")
    if isinstance(dob, datetime.date):
        if dob > today():
            problem("date_of_birth", "The date of birth is in the future.")
        admitted = values.get("admission_date")
        if isinstance(admitted, datetime.date) and admitted < dob:
            problem("admission_date", "The admission date is before the date of birth.")
    return values, problems


def _format_message(name: str, value: str) -> str:
    label = FIELD_LABELS[name]
    if name in ("date_of_birth", "admission_date"):
        return f"The {label} “{value}” is not a date: use the form 25/12/2016."
    if name == "sex":
        return f"The sex “{value}” must be F or M."
    if name == "nc_year":
        return f"The year group “{value}” must be N1, N2, R or a year from 1 to 14."
    if name in BOOLEAN_FIELDS:
        return f"The {label} value “{value}” must be Y or N."
    if name == "attendance_percentage":
        return f"The attendance “{value}” must be a percentage from 0 to 100."
    return f"The {label} “{value}” is not valid."


def _rows_or_problem(reader: csv.DictReader, errors: list[ImportProblem]):
    """The reader's rows; a line the csv module cannot read (a value over its 128 KiB field limit,
    say) becomes a problem on that line and ends the reading, instead of an error page."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            line = reader.line_num + 1 if reader.line_num else 1
            errors.append(
                ImportProblem(
                    line,
                    "",
                    f"Line {line} cannot be read: a value is longer than {csv.field_size_limit():,} characters "
                    "or a quotation mark is not closed. Check the export and try again.",
                )
            )
            return


def _read(file: IO[bytes] | IO[str] | bytes | str, mapping: Mapping[str, str] | None) -> ImportPreview:
    mapping = dict(mapping or DEFAULT_MAPPING)
    errors: list[ImportProblem] = []
    unknown = sorted(set(mapping) - IMPORTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot import into: {', '.join(unknown)}")
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            errors.append(ImportProblem(1, name, f"Choose the column that holds the {FIELD_LABELS[name]}."))
    mapping = {name: header for name, header in mapping.items() if header}
    text, encoding = _text(file)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    if not headers:
        return ImportPreview([], [ImportProblem(1, "", "The file is empty.")], 0, 0, encoding)
    for name, header in mapping.items():
        if header not in headers:
            errors.append(
                ImportProblem(1, name, f"The file has no column called “{header}” (for the {FIELD_LABELS[name]}).")
            )
    if errors:
        return ImportPreview([], errors, 0, 0, encoding)

    rows: list[ImportRow] = []
    first_line_of: dict[str, int] = {}
    for raw in _rows_or_problem(reader, errors):
        line = reader.line_num
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue
        values, problems = _parse_row(raw, mapping, line)
        upn = values.get("upn")
        if upn:
            if upn in first_line_of:
                problems.append(ImportProblem(line, "upn", f"This UPN is also on line {first_line_of[upn]}."))
            else:
                first_line_of[upn] = line
        errors += problems
        rows.append(ImportRow(line, values))
    if not rows and not errors:
        errors.append(ImportProblem(1, "", "The file has a header row but no pupils."))
    upns = [row.values["upn"] for row in rows if row.values.get("upn")]
    existing = set(Pupil.objects.filter(upn__in=upns).values_list("upn", flat=True)) if upns else set()
    return ImportPreview(rows, errors, len(set(upns) - existing), len(existing), encoding)


def preview_pupil_import(
    file: IO[bytes] | IO[str] | bytes | str, mapping: Mapping[str, str] | None = None, *, previewed_by: Any
) -> ImportPreview:
    """Read an MIS export and say what importing it would do, with every problem by line number; writes nothing.

    The preview shows pupils' details from the file, so only those who keep pupils' details may ask for it.
    """
    require_edit_pupil_details(acting_roles(previewed_by))
    return _read(file, mapping)


# --- Writing ---------------------------------------------------------------------------------


def _classes_for(rows: list[ImportRow]) -> tuple[dict[str, SchoolClass], list[str]]:
    names: dict[str, str] = {}
    years: dict[str, set[str]] = {}
    for row in rows:
        name = row.values.get("school_class")
        if name:
            names.setdefault(name.lower(), name)
            years.setdefault(name.lower(), set()).add(row.values.get("nc_year", ""))
    if not names:
        return {}, []
    existing = {c.name.lower(): c for c in SchoolClass.objects.all()}
    missing = [
        SchoolClass(name=names[key], year_group=next(iter(years[key])) if len(years[key]) == 1 else "")
        for key in names
        if key not in existing
    ]
    SchoolClass.objects.bulk_create(missing)  # PostgreSQL returns their ids
    existing.update({c.name.lower(): c for c in missing})
    return existing, [c.name for c in missing]


def import_pupils(
    file: IO[bytes] | IO[str] | bytes | str, mapping: Mapping[str, str] | None = None, *, imported_by: Any
) -> ImportResult:
    """Import pupils from an MIS export, all or nothing: new UPNs are added, known ones updated, missing classes created."""
    require_edit_pupil_details(acting_roles(imported_by))
    preview = _read(file, mapping)
    if preview.errors:
        return ImportResult(errors=preview.errors)
    with transaction.atomic(durable=True):
        return _write(preview.rows, imported_by=imported_by)


def _write(rows: list[ImportRow], *, imported_by: Any) -> ImportResult:
    classes, classes_created = _classes_for(rows)
    fields = sorted({name for row in rows for name in row.values})
    existing = {p.upn: p for p in Pupil.objects.select_for_update().filter(upn__in=[row.values["upn"] for row in rows])}
    to_create: list[Pupil] = []
    to_update: list[Pupil] = []
    unchanged = 0
    now = timezone.now()
    model_fields = [("school_class_id" if name == "school_class" else name) for name in fields]
    for row in rows:
        values = dict(row.values)
        if "school_class" in values:
            name = values.pop("school_class")
            values["school_class_id"] = classes[name.lower()].pk if name else None
        values["upn_is_temporary"] = is_temporary_upn(values["upn"])
        pupil = existing.get(values["upn"])
        if pupil is None:
            to_create.append(Pupil(**values))
            continue
        if all(getattr(pupil, name) == value for name, value in values.items()):
            unchanged += 1
            continue
        for name, value in values.items():
            setattr(pupil, name, value)
        pupil.updated_at = now
        to_update.append(pupil)
    Pupil.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Pupil.objects.bulk_update(to_update, [*model_fields, "upn_is_temporary", "updated_at"], batch_size=300)
    if to_create or to_update:
        records_changed_in_bulk.send(sender=Pupil, model=Pupil)
    created_ids = [p.pk for p in to_create]  # PostgreSQL returns the new ids
    summary_detail = {"created": len(to_create), "updated": len(to_update), "classes_created": len(classes_created)}
    audit_events_bulk(
        actor=imported_by,
        action=AuditAction.CREATE,
        object_type="pupil",
        pupil_ids=created_ids,
        summary="Added by MIS import",
    )
    audit_events_bulk(
        actor=imported_by,
        action=AuditAction.UPDATE,
        object_type="pupil",
        pupil_ids=[p.pk for p in to_update],
        summary="Updated by MIS import",
        detail={"fields": [f for f in model_fields if f != "upn"]},
    )
    record_event(
        actor=imported_by,
        action=AuditAction.CREATE,
        object_type="pupil_import",
        acting_organisation=current_organisation(),
        summary="Pupils imported from the MIS",
        detail=summary_detail,
    )
    return ImportResult(
        created=len(to_create), updated=len(to_update), unchanged=unchanged, classes_created=classes_created
    )
