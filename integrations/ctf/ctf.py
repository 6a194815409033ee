"""Common Transfer Files (CTF): the DfE's XML for moving a pupil's record between schools.

Export writes the header (document name, CTF version, date-time, qualifier, source and
destination LA and establishment numbers) and, per pupil, the core details and SEN history
(`SENhistory/SEN` with start date and provision code, `SENhistory/SENneeds/SENneed` with type
and rank). Import reads a file into the school whose schema is active: every pupil is checked
first, and any problem refuses the whole file with its line number, so nothing is half-written.

What the CTF specification allows is accepted: `NCyearActual` `X` (national curriculum not
followed), and SEN types ranked 1, 2, 3 and on (1 is the primary need, 2 the secondary; the
census reports those two, and Cairn keeps the rest as other needs). A pupil with no SEN entry
and no need gets no `SENhistory` at all, never an empty one. An entry that ended with no entry
after it is followed by an `N` entry from its end date, so the end survives a round trip.

Parsing goes through defusedxml with DTDs, entities and external references all forbidden: a
file that declares any of them is refused before a single entity could be expanded.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from send_platform.audit.models import AuditAction

from send_core.models import (
    AREA_FOR_NEED_TYPE,
    AreaOfNeed,
    CensusCode,
    NCYear,
    NeedRank,
    NeedType,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Sex,
)
from send_core.permissions import require_edit_pupil_details, require_edit_send_record
from send_core.selectors.organisation import current_organisation
from send_core.services.base import acting_roles, audit, audit_events_bulk
from send_core.services.pupils import create_pupil
from send_core.toolkit import current_toolkit
from send_core.transition.importing import match_by_upn
from send_core.upn import normalise_upn, validate_upn
from tenants.models import Organisation

DOCUMENT_NAME = "Common Transfer File"
CTF_VERSION = "25.0"
SUPPLIER_ID = "Cairn"
ROOT = "CTfile"
# The DfE's codes for a destination that is not known yet.
UNKNOWN_LA, UNKNOWN_ESTAB = "MMM", "MMMM"
MAX_BYTES = 20 * 1024 * 1024
# CTF SENtypeRank: 1 is the primary need, 2 the secondary; ranks after those are further needs.
RANK_FOR_CODE = {"1": NeedRank.PRIMARY, "2": NeedRank.SECONDARY}
CODE_FOR_RANK = {rank: code for code, rank in RANK_FOR_CODE.items()}
MAX_RANK = 99
# CTF/census NCyearActual "X": the national curriculum is not followed.
NC_NOT_FOLLOWED = "X"
NAME_MAX = 100


def rank_for_code(code: str) -> str | None:
    """The need rank for a CTF SENtypeRank (a whole number from 1), or None if it is not one."""
    if not code.isdigit() or not 1 <= int(code) <= MAX_RANK or code != str(int(code)):
        return None
    return RANK_FOR_CODE.get(code, NeedRank.OTHER)


def year_group_for_age(date_of_birth: datetime.date, on: datetime.date) -> str:
    """The national curriculum year of a child's age in the school year holding `on`.

    A child starts Reception in the September after their fourth birthday: age on 31 August
    before the school year, less four, is the year (0 Reception, -1 and -2 the nursery years).
    """
    school_year = on.year if on.month >= 9 else on.year - 1
    cutoff = datetime.date(school_year, 8, 31)
    age = cutoff.year - date_of_birth.year - ((cutoff.month, cutoff.day) < (date_of_birth.month, date_of_birth.day))
    year = age - 4
    if year <= -2:
        return NCYear.N1
    if year == -1:
        return NCYear.N2
    if year == 0:
        return NCYear.RECEPTION
    return str(min(year, 14))


# --- Export --------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _academic_year(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _pupil_element(
    parent: ET.Element,
    pupil: Pupil,
    entries: list[RegisterEntry],
    needs: list[PupilNeed],
    *,
    with_needs: bool = True,
    with_medical: bool = True,
) -> None:
    element = _sub(parent, "Pupil")
    _sub(element, "UPN", pupil.upn)
    _sub(element, "Surname", pupil.last_name)
    _sub(element, "Forename", pupil.legal_first_name)
    _sub(element, "DOB", pupil.date_of_birth.isoformat())
    _sub(element, "Sex", pupil.sex)
    basic = _sub(element, "BasicDetails")
    if pupil.preferred_name:
        _sub(basic, "PreferredForename", pupil.preferred_name)
    _sub(basic, "NCyearActual", NC_NOT_FOLLOWED if pupil.nc_not_followed else pupil.nc_year)
    if with_medical:
        _sub(basic, "MedicalFlag", "true" if pupil.medical_needs else "false")
    if not with_needs or not (entries or needs):
        return  # no SEN entry and no need: no SENhistory, not an empty one
    history = _sub(element, "SENhistory")
    for entry in entries:
        sen = _sub(history, "SEN")
        _sub(sen, "StartDate", entry.started_on.isoformat())
        _sub(sen, "SENprovision", entry.census_code)
    if entries and entries[-1].ended_on is not None:
        # The history is a run of start dates: the last entry's end is the start of "no SEN provision".
        sen = _sub(history, "SEN")
        _sub(sen, "StartDate", entries[-1].ended_on.isoformat())
        _sub(sen, "SENprovision", CensusCode.NONE)
    if needs:
        block = _sub(history, "SENneeds")
        order = {NeedRank.PRIMARY: 0, NeedRank.SECONDARY: 1}
        ranked = sorted(needs, key=lambda n: (order.get(n.rank, 2), n.started_on, n.pk))
        further = 3  # 1 and 2 always mean the primary and the secondary need
        for need in ranked:
            code = CODE_FOR_RANK.get(need.rank)
            if code is None:
                code, further = str(further), further + 1
            item = _sub(block, "SENneed")
            _sub(item, "SENtype", need.need_type)
            _sub(item, "SENtypeRank", code)


def export_ctf(
    pupils: Sequence[Pupil],
    *,
    source: Organisation,
    destination: Organisation | None = None,
    destination_la: str = "",
    destination_estab: str = "",
    now: datetime.datetime | None = None,
    sections: Iterable[str] | None = None,
) -> bytes:
    """A CTF (UTF-8 XML) for these pupils of `source` (read in its schema), to a school or to "not known".

    With `sections` (the transition file's chosen parts), SEN history and needs go only with "needs"
    and the medical flag only with "medical": the CTF carries no more than the parents agreed to send.
    """
    chosen = None if sections is None else set(sections)
    with_needs = chosen is None or "needs" in chosen
    with_medical = chosen is None or "medical" in chosen
    now = timezone.localtime(now or timezone.now())
    if destination is not None:
        destination_la, destination_estab = destination.la_code, destination.establishment_number
    root = ET.Element(ROOT)
    header = _sub(root, "Header")
    _sub(header, "DocumentName", DOCUMENT_NAME)
    _sub(header, "CTFversion", CTF_VERSION)
    _sub(header, "DateTime", now.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, "DocumentQualifier", "partial")
    _sub(header, "SupplierID", SUPPLIER_ID)
    school = _sub(header, "SourceSchool")
    _sub(school, "LEA", source.la_code)
    _sub(school, "Estab", source.establishment_number)
    _sub(school, "URN", source.urn)
    _sub(school, "SchoolName", source.name)
    _sub(school, "AcademicYear", _academic_year(now.date()))
    dest = _sub(header, "DestSchool")
    _sub(dest, "LEA", destination_la or UNKNOWN_LA)
    _sub(dest, "Estab", destination_estab or UNKNOWN_ESTAB)
    data = _sub(root, "CTFpupilData")
    ids = [p.pk for p in pupils]
    entries: dict[int, list[RegisterEntry]] = {pk: [] for pk in ids}
    for entry in RegisterEntry.objects.filter(pupil_id__in=ids).order_by("started_on", "id"):
        entries[entry.pupil_id].append(entry)
    needs: dict[int, list[PupilNeed]] = {pk: [] for pk in ids}
    for need in PupilNeed.objects.filter(pupil_id__in=ids, ended_on__isnull=True):
        needs[need.pupil_id].append(need)
    for pupil in pupils:
        _pupil_element(
            data, pupil, entries[pupil.pk], needs[pupil.pk], with_needs=with_needs, with_medical=with_medical
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- Reading -------------------------------------------------------------------------------


class _LineElement(ET.Element):
    """An element that remembers the line it started on."""

    line: int = 0


class _LineTreeBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__(element_factory=_LineElement)
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        element.line = self.expat.CurrentLineNumber if self.expat is not None else 0
        return element


@dataclass(frozen=True)
class Problem:
    """A reason a file was refused, with the line it is on (0 for the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass
class SENEntry:
    started_on: datetime.date
    provision: str


@dataclass
class CTFPupil:
    line: int
    upn: str
    surname: str
    forename: str
    preferred_forename: str | None  # None: the file does not carry one, so the school's own is kept
    date_of_birth: datetime.date
    sex: str
    nc_year: str
    medical_flag: bool | None  # None: the file does not say, so the school's own is kept
    sen_history: list[SENEntry]
    sen_needs: list[tuple[str, int]]  # (need type, SENtypeRank), lowest rank first


@dataclass
class CTFFile:
    document_qualifier: str
    created_at: str
    source_la: str
    source_estab: str
    source_urn: str
    source_name: str
    destination_la: str
    destination_estab: str
    pupils: list[CTFPupil]


class CTFRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _parse_xml(data: bytes) -> _LineElement:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException as error:
        line = getattr(builder.expat, "CurrentLineNumber", 0) or 0
        raise CTFRefused(
            [Problem(line, f"The file declares a DTD or entities, which a CTF never needs ({type(error).__name__}).")]
        ) from None
    except ET.ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 0
        raise CTFRefused([Problem(line, f"The file is not well-formed XML ({error}).")]) from None
    except (ValueError, TypeError, LookupError, RecursionError) as error:
        raise CTFRefused([Problem(0, f"The file could not be read as XML ({type(error).__name__}).")]) from None


class _Reader:
    """Reads the parsed tree, collecting every problem with its line rather than stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, element: Any, message: str) -> None:
        self.problems.append(Problem(getattr(element, "line", 0), message))

    def text(self, parent: Any, tag: str, *, required: bool = True, what: str = "") -> tuple[str, Any]:
        child = parent.find(tag)
        value = (child.text or "").strip() if child is not None else ""
        if required and not value:
            self.problem(child if child is not None else parent, f"{what or tag} is missing.")
        return value, (child if child is not None else parent)

    def date(self, parent: Any, tag: str, what: str) -> datetime.date | None:
        value, where = self.text(parent, tag, what=what)
        if not value:
            return None
        for parse in (datetime.date.fromisoformat, lambda v: datetime.datetime.fromisoformat(v).date()):
            try:
                return parse(value)
            except ValueError:
                continue
        self.problem(where, f"{what} “{value[:40]}” is not a date (use YYYY-MM-DD).")
        return None

    def header(self, root: Any) -> dict[str, str]:
        header = root.find("Header")
        if header is None:
            self.problem(root, "The file has no Header.")
            return {}
        name, where = self.text(header, "DocumentName", what="DocumentName")
        if name and name != DOCUMENT_NAME:
            self.problem(where, f"DocumentName must be “{DOCUMENT_NAME}”, not “{name[:60]}”.")
        self.text(header, "CTFversion", what="CTFversion")
        created_at, where = self.text(header, "DateTime", what="DateTime")
        if created_at:
            try:
                datetime.datetime.fromisoformat(created_at)
            except ValueError:
                self.problem(where, f"DateTime “{created_at[:40]}” is not a date and time.")
        qualifier, where = self.text(header, "DocumentQualifier", what="DocumentQualifier")
        if qualifier and qualifier not in ("full", "partial"):
            self.problem(where, f"DocumentQualifier must be full or partial, not “{qualifier[:20]}”.")
        values = {"document_qualifier": qualifier, "created_at": created_at}
        for block, prefix in (("SourceSchool", "source"), ("DestSchool", "destination")):
            element = header.find(block)
            if element is None:
                self.problem(header, f"The Header has no {block}.")
                continue
            la, where_la = self.text(element, "LEA", what=f"{block} LEA")
            estab, where_estab = self.text(element, "Estab", what=f"{block} Estab")
            unknown_ok = prefix == "destination"
            if la and not (la.isdigit() and len(la) == 3) and not (unknown_ok and la in (UNKNOWN_LA, "XXX")):
                self.problem(where_la, f"{block} LEA “{la[:10]}” is not a 3-digit LA number.")
            if (
                estab
                and not (estab.isdigit() and len(estab) == 4)
                and not (unknown_ok and estab in (UNKNOWN_ESTAB, "XXXX"))
            ):
                self.problem(where_estab, f"{block} Estab “{estab[:10]}” is not a 4-digit establishment number.")
            values[f"{prefix}_la"], values[f"{prefix}_estab"] = la, estab
            if prefix == "source":
                values["source_urn"] = self.text(element, "URN", required=False)[0]
                values["source_name"] = self.text(element, "SchoolName", required=False)[0]
        return values

    def pupil(self, element: Any, seen: dict[str, int]) -> CTFPupil | None:
        before = len(self.problems)
        upn_text, where = self.text(element, "UPN", what="UPN")
        upn = normalise_upn(upn_text)
        if upn_text:
            try:
                validate_upn(upn)
            except ValidationError as error:  # its reason: length, format, check letter or LA code
                self.problem(where, f"UPN “{upn_text[:20]}” is not a valid UPN. {error.messages[0]}")
            else:
                if upn in seen:
                    self.problem(where, f"UPN {upn} appears twice in the file (first on line {seen[upn]}).")
                seen.setdefault(upn, where.line if hasattr(where, "line") else 0)
        surname, where_surname = self.text(element, "Surname", what="Surname")
        forename, where_forename = self.text(element, "Forename", what="Forename")
        for value, place, what in ((surname, where_surname, "Surname"), (forename, where_forename, "Forename")):
            if len(value) > NAME_MAX:
                self.problem(place, f"{what} is longer than {NAME_MAX} characters.")
        date_of_birth = self.date(element, "DOB", "DOB")
        if date_of_birth and date_of_birth > timezone.localdate():
            self.problem(element.find("DOB"), "DOB is in the future.")
        sex, where = self.text(element, "Sex", what="Sex")
        if sex and sex not in Sex.values:
            self.problem(where, f"Sex “{sex[:10]}” is not a known code (M or F).")
        basic = element.find("BasicDetails")
        preferred: str | None = None
        nc_year, medical = "", None
        if basic is None:
            self.problem(element, "BasicDetails is missing.")
        else:
            preferred, where = self.text(basic, "PreferredForename", required=False)
            if len(preferred) > NAME_MAX:
                self.problem(where, f"PreferredForename is longer than {NAME_MAX} characters.")
            preferred = preferred or None
            nc_year, where = self.text(basic, "NCyearActual", what="NCyearActual")
            if nc_year and nc_year not in NCYear.values and nc_year != NC_NOT_FOLLOWED:
                self.problem(
                    where, f"NCyearActual “{nc_year[:10]}” is not a year group code (N1, N2, R, 1 to 14, or X)."
                )
            flag, where = self.text(basic, "MedicalFlag", required=False)
            if flag and flag.lower() not in ("true", "false", "1", "0"):
                self.problem(where, f"MedicalFlag “{flag[:10]}” must be true or false.")
            medical = flag.lower() in ("true", "1") if flag else None
        history, needs = [], []
        block = element.find("SENhistory")
        for sen in block.findall("SEN") if block is not None else []:
            started = self.date(sen, "StartDate", "SEN StartDate")
            code, where = self.text(sen, "SENprovision", what="SENprovision")
            if code and code not in CensusCode.values:
                self.problem(where, f"SENprovision “{code[:10]}” is not a known code (N, K or E).")
            if started and code in CensusCode.values:
                history.append(SENEntry(started, code))
        # SENneeds sits inside SENhistory; some suppliers put it beside it, so both are read.
        need_blocks = [b for b in (block, element) if b is not None]
        ranks: set[int] = set()
        for need_parent in need_blocks:
            for wrapper in need_parent.findall("SENneeds"):
                for need in wrapper.findall("SENneed"):
                    need_type, where_type = self.text(need, "SENtype", what="SENtype")
                    rank, where_rank = self.text(need, "SENtypeRank", what="SENtypeRank")
                    if need_type and need_type not in NeedType.values:
                        self.problem(where_type, f"SENtype “{need_type[:10]}” is not a known type of need.")
                    if rank and rank_for_code(rank) is None:
                        self.problem(
                            where_rank,
                            f"SENtypeRank “{rank[:10]}” must be a whole number from 1 (1 is the primary need).",
                        )
                    elif rank and int(rank) in ranks:
                        self.problem(where_rank, f"Two needs have SENtypeRank {rank}.")
                    elif rank:
                        ranks.add(int(rank))
                        if need_type in NeedType.values:
                            needs.append((need_type, int(rank)))
        if len({n[0] for n in needs}) != len(needs):
            self.problem(element, "The same SENtype is listed twice.")
        if needs and 1 not in ranks:
            self.problem(element, "Ranked needs are listed without a primary need (SENtypeRank 1).")
        starts = [entry.started_on for entry in history]
        if len(set(starts)) != len(starts):
            self.problem(block if block is not None else element, "Two SEN entries start on the same date.")
        if date_of_birth and any(day < date_of_birth for day in starts):
            self.problem(block if block is not None else element, "A SEN entry starts before the date of birth.")
        if any(day > timezone.localdate() for day in starts):
            self.problem(block if block is not None else element, "A SEN entry starts in the future.")
        if len(self.problems) > before or date_of_birth is None:
            return None
        return CTFPupil(
            line=element.line,
            upn=upn,
            surname=surname,
            forename=forename,
            preferred_forename=preferred,
            date_of_birth=date_of_birth,
            sex=sex,
            nc_year=nc_year,
            medical_flag=medical,
            sen_history=sorted(history, key=lambda e: e.started_on),
            sen_needs=sorted(needs, key=lambda n: n[1]),
        )


def parse_ctf(data: bytes | str) -> CTFFile:
    """Read and check a CTF; CTFRefused lists every problem with its line."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise CTFRefused([Problem(0, "The file is empty.")])
    if len(data) > MAX_BYTES:
        raise CTFRefused([Problem(0, f"The file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit.")])
    root = _parse_xml(data)
    if root.tag != ROOT:
        raise CTFRefused([Problem(root.line, f"The root element must be {ROOT}, not {str(root.tag)[:40]}.")])
    reader = _Reader()
    header = reader.header(root)
    pupil_data = root.find("CTFpupilData")
    pupils: list[CTFPupil] = []
    if pupil_data is None:
        reader.problem(root, "The file has no CTFpupilData.")
    else:
        seen: dict[str, int] = {}
        for element in pupil_data.findall("Pupil"):
            pupil = reader.pupil(element, seen)
            if pupil is not None:
                pupils.append(pupil)
        if not pupil_data.findall("Pupil"):
            reader.problem(pupil_data, "The file holds no pupils.")
    if reader.problems:
        raise CTFRefused(reader.problems)
    return CTFFile(
        pupils=pupils, **{key: header.get(key, "") for key in CTFFile.__dataclass_fields__ if key != "pupils"}
    )


# --- Import --------------------------------------------------------------------------------


@dataclass
class CTFImportReport:
    """What importing a CTF did: pupils created and updated (by UPN), or why it was refused."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "notes": self.notes,
            "refused": [{"line": p.line, "message": p.message} for p in self.refused],
        }


def _check_destination(parsed: CTFFile, school: Organisation) -> list[Problem]:
    addressed = (parsed.destination_la, parsed.destination_estab)
    if addressed in ((UNKNOWN_LA, UNKNOWN_ESTAB), ("", "")):
        return []
    if addressed != (school.la_code, school.establishment_number):
        return [
            Problem(
                0,
                f"This file is addressed to {parsed.destination_la}/{parsed.destination_estab}, "
                f"not to {school.name} ({school.dfe_number}).",
            )
        ]
    return []


class _Refused(Exception):
    """One pupil's problem that refuses the whole file; raised inside the import's transaction to undo it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _apply(item: CTFPupil, *, school_name: str, user: Any, report: CTFImportReport) -> int:
    label = f"{item.upn} ({item.forename} {item.surname})"
    try:
        pupil = match_by_upn(item.upn, date_of_birth=item.date_of_birth, last_name=item.surname)
    except ValidationError as error:
        raise _Refused(Problem(item.line, " ".join(error.messages))) from None
    core: dict[str, Any] = {
        "legal_first_name": item.forename,
        "last_name": item.surname,
        "date_of_birth": item.date_of_birth,
        "sex": item.sex,
        "nc_year": item.nc_year,
        "nc_not_followed": item.nc_year == NC_NOT_FOLLOWED,
    }
    if item.nc_year == NC_NOT_FOLLOWED:
        # "X" names no year group: a pupil here keeps theirs; a new one is placed by age.
        core["nc_year"] = (
            pupil.nc_year if pupil is not None else year_group_for_age(item.date_of_birth, timezone.localdate())
        )
    # What the file does not carry is not blanked: the school's own value stands.
    if item.preferred_forename is not None:
        core["preferred_name"] = item.preferred_forename
    if item.medical_flag is not None:
        core["medical_needs"] = item.medical_flag
    changed: list[str] = []
    added: list[str] = []
    if pupil is None:
        try:
            pupil = create_pupil(created_by=user, upn=item.upn, **core)
        except ValidationError as error:
            raise _Refused(Problem(item.line, f"{label}: {' '.join(error.messages)}")) from None
        report.created.append(label)
    else:
        changed = [name for name, value in core.items() if getattr(pupil, name) != value]
        for name in changed:
            setattr(pupil, name, core[name])
        if pupil.leaving_date is not None:
            # A pupil who left and has come back is on roll again.
            pupil.leaving_date = None
            changed.append("leaving_date")
        if changed:
            try:
                pupil.full_clean()
            except ValidationError as error:
                raise _Refused(Problem(item.line, f"{label}: {' '.join(error.messages)}")) from None
            pupil.save(update_fields=[*changed, "updated_at"])
    toolkit = current_toolkit()
    history = item.sen_history
    if len(history) >= 2 and history[-1].provision == history[-2].provision == CensusCode.NONE:
        # N after N changes nothing but the date: it is where the entry before it ended.
        history = history[:-1]
    if history:
        if RegisterEntry.objects.filter(pupil=pupil).exists():
            existing = [(e.started_on, e.census_code) for e in RegisterEntry.objects.filter(pupil=pupil)]
            if existing != [(e.started_on, e.provision) for e in history]:
                report.notes.append(f"{label}: the school's own register history was kept as it is.")
        else:
            for index, entry in enumerate(history):
                following = item.sen_history[index + 1] if index + 1 < len(item.sen_history) else None
                stage = toolkit.first_stage_for(entry.provision)
                RegisterEntry.objects.create(
                    pupil=pupil,
                    stage_key=stage.key,
                    stage_label=stage.label,
                    census_code=entry.provision,
                    started_on=entry.started_on,
                    ended_on=following.started_on if following else None,
                    reason=f"From the Common Transfer File from {school_name}.",
                    end_reason="Next entry in the Common Transfer File." if following else "",
                )
            added.append("register history")
    current = {n.need_type: n for n in PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True)}
    taken = {n.rank for n in current.values()}
    for need_type, number in item.sen_needs:
        if need_type in current:
            continue
        rank = rank_for_code(str(number)) or NeedRank.OTHER
        if rank != NeedRank.OTHER and rank in taken:
            # This school's own primary and secondary stand; the file's comes in as a further need.
            rank = NeedRank.OTHER
        area = AREA_FOR_NEED_TYPE.get(need_type, AreaOfNeed.COGNITION_LEARNING)
        start = item.sen_history[-1].started_on if item.sen_history else timezone.localdate()
        current[need_type] = PupilNeed.objects.create(
            pupil=pupil, area=area, need_type=need_type, rank=rank, started_on=start, recorded_by=user
        )
        taken.add(rank)
        if "needs" not in added:
            added.append("needs")
    if label not in report.created:
        (report.updated if changed or added else report.unchanged).append(label)
    if changed or added:
        audit(
            actor=user,
            action=AuditAction.UPDATE,
            obj=pupil,
            pupil_id=pupil.pk,
            fields=changed,
            summary=f"Updated from a Common Transfer File from {school_name}",
            detail={"added": added},
        )
    return pupil.pk


def import_ctf(data: bytes | str, *, imported_by: Any) -> CTFImportReport:
    """Import a CTF into the school whose schema is active: all its pupils, or (with any problem) none."""
    require_edit_pupil_details(acting_roles(imported_by))
    require_edit_send_record(acting_roles(imported_by))
    school = current_organisation()
    report = CTFImportReport()
    try:
        parsed = parse_ctf(data)
    except CTFRefused as refusal:
        report.refused = refusal.problems
        return report
    report.refused = _check_destination(parsed, school) if school is not None else []
    if report.refused:
        return report
    source = parsed.source_name or f"{parsed.source_la}/{parsed.source_estab}"
    try:
        with transaction.atomic():
            for item in parsed.pupils:
                _apply(item, school_name=source, user=imported_by, report=report)
    except _Refused as refusal:
        # Everything this file wrote was undone with the transaction, so the report says nothing was.
        return CTFImportReport(refused=[refusal.problem])
    return report


def record_export(pupils: Iterable[Pupil], *, exported_by: Any, destination: str) -> None:
    """Every pupil in an exported CTF gets an export event in the school's trail."""
    audit_events_bulk(
        actor=exported_by,
        action=AuditAction.EXPORT,
        object_type="pupil",
        pupil_ids=[p.pk for p in pupils],
        summary="Exported in a Common Transfer File",
        detail={"destination": destination},
    )


__all__ = [
    "CTFFile",
    "CTFImportReport",
    "CTFPupil",
    "CTFRefused",
    "Problem",
    "export_ctf",
    "import_ctf",
    "parse_ctf",
    "record_export",
]
