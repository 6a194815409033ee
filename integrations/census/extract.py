"""The school census SEN extract: each pupil's SEN provision (N, K or E) and ranked types of need on the
census date, checked against the census rules, as CSV with a validation report.

Run it in a school's schema. SEN provision is collected in every census (autumn, spring and summer);
a pupil with no stage on the date is reported as N. Types of need are collected only in the spring
census, and only for pupils at K (SEN Support) or E (EHC plan) (DfE school census guide, "SEN
provision" and "SEN type"). The rules checked:

- E needs a plan: a pupil at E has a final EHC plan on record, issued by the census date (every census);
- one primary type: a pupil with ranked types of need has exactly one primary (spring);
- at most two: no more than two ranked types (a primary and a secondary) (spring);
- type required: a pupil at K or E has a type of need (spring, the census that collects it);
- NSA only with K: "SEN support but no specialist assessment" is a type only for K (spring).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from send_core.csv_cells import safe_row
from send_core.models import CensusCode, NeedRank, NeedType, Pupil, PupilNeed, RegisterEntry
from send_core.selectors.pupils import covering, on_roll

# Each rule the extract checks, as a SENCO reads it in the validation report.
RULES: dict[str, str] = {
    "e_needs_plan": "A pupil recorded at E must have an EHC plan: record the final plan the local authority issued, "
    "or record the pupil at SEN Support (K) while the assessment is requested or under way.",
    "one_primary": "A pupil with a type of need must have exactly one primary type of need.",
    "at_most_two": "No more than two types of need can be ranked (one primary and one secondary).",
    "type_required": "In the spring census a pupil at SEN Support (K) or with an EHC plan (E) must have a type of need.",
    "nsa_only_with_k": "NSA (no specialist assessment) can only be recorded for a pupil at SEN Support (K).",
}
RANKED = (NeedRank.PRIMARY, NeedRank.SECONDARY)


@dataclass
class CensusPupil:
    pupil_id: int
    upn: str
    surname: str
    forename: str
    date_of_birth: datetime.date
    nc_year: str
    sen_provision: str
    need_types: list[tuple[str, str]] = field(default_factory=list)  # (rank, need type), primary first

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    def need_of_rank(self, rank: str) -> str:
        return next((need for r, need in self.need_types if r == rank), "")


@dataclass(frozen=True)
class Breach:
    pupil_id: int
    upn: str
    name: str
    rule: str

    @property
    def message(self) -> str:
        return RULES[self.rule]


def census_term(day: datetime.date) -> str:
    """Which census a date belongs to: autumn (October), spring (January) or summer (May)."""
    if day.month <= 3:
        return "spring"
    return "summer" if day.month <= 8 else "autumn"


@dataclass
class CensusExtract:
    census_date: datetime.date
    pupils: list[CensusPupil]
    breaches: list[Breach]

    @property
    def term(self) -> str:
        return census_term(self.census_date)

    @property
    def collects_need_types(self) -> bool:
        # School census guide: SEN type is collected in the spring census only.
        return self.term == "spring"

    @property
    def is_valid(self) -> bool:
        return not self.breaches


def _check(pupil: CensusPupil, *, has_plan: bool, spring: bool) -> list[str]:
    broken = []
    if pupil.sen_provision == CensusCode.EHC_PLAN and not has_plan:
        broken.append("e_needs_plan")
    if not spring:
        return broken
    ranks = [rank for rank, _ in pupil.need_types]
    types = {need for _, need in pupil.need_types}
    if pupil.need_types and ranks.count(NeedRank.PRIMARY) != 1:
        broken.append("one_primary")
    if len(pupil.need_types) > 2:
        broken.append("at_most_two")
    if pupil.sen_provision in (CensusCode.SEN_SUPPORT, CensusCode.EHC_PLAN) and not pupil.need_types:
        broken.append("type_required")
    if NeedType.NSA in types and pupil.sen_provision != CensusCode.SEN_SUPPORT:
        broken.append("nsa_only_with_k")
    return broken


def _pupils_with_ehc_plan(ids: list[int], census_date: datetime.date) -> set[int]:
    """Pupils with an EHC plan in force on the census date: the final one, or an earlier version then."""
    from send_core.ehc.models import EhcPlan, EhcPlanStatus

    issued = Q(issued_on__isnull=True) | Q(issued_on__lte=census_date)
    plans = EhcPlan.objects.filter(issued, pupil_id__in=ids)
    finals = set(plans.filter(status=EhcPlanStatus.FINAL).values_list("pupil_id", flat=True))
    # A version since replaced was in force on the date if the pupil still holds a final plan.
    holding = set(
        EhcPlan.objects.filter(pupil_id__in=ids, status=EhcPlanStatus.FINAL).values_list("pupil_id", flat=True)
    )
    earlier = set(
        plans.filter(status=EhcPlanStatus.SUPERSEDED, pupil_id__in=holding).values_list("pupil_id", flat=True)
    )
    return finals | earlier


def sen_extract(census_date: datetime.date) -> CensusExtract:
    """Every pupil on roll on the census date with their SEN provision and ranked needs, and each rule breach."""
    admitted = Q(admission_date__isnull=True) | Q(admission_date__lte=census_date)
    pupils = list(Pupil.objects.filter(on_roll(census_date), admitted).order_by("last_name", "legal_first_name", "id"))
    ids = [p.pk for p in pupils]
    stages: dict[int, str] = {}
    for pupil_id, code in (
        RegisterEntry.objects.filter(covering(census_date), pupil_id__in=ids)
        .order_by("pupil_id", "started_on", "id")
        .values_list("pupil_id", "census_code")
    ):
        stages[pupil_id] = code  # the latest entry covering the date wins
    needs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pupil_id, rank, need_type in (
        PupilNeed.objects.filter(covering(census_date), pupil_id__in=ids, rank__in=RANKED)
        .order_by("pupil_id", "rank", "started_on", "id")
        .values_list("pupil_id", "rank", "need_type")
    ):
        needs[pupil_id].append((rank, need_type))
    with_plan = _pupils_with_ehc_plan(ids, census_date)
    spring = census_term(census_date) == "spring"
    rows, breaches = [], []
    for pupil in pupils:
        provision = stages.get(pupil.pk, CensusCode.NONE)
        row = CensusPupil(
            pupil_id=pupil.pk,
            upn=pupil.upn,
            surname=pupil.last_name,
            forename=pupil.legal_first_name,
            date_of_birth=pupil.date_of_birth,
            nc_year=pupil.nc_year,
            sen_provision=provision,
            # The census carries types of need only in spring, and only for K and E.
            need_types=needs.get(pupil.pk, []) if spring and provision != CensusCode.NONE else [],
        )
        rows.append(row)
        broken = _check(row, has_plan=pupil.pk in with_plan, spring=spring)
        breaches += [Breach(row.pupil_id, row.upn, row.name, rule) for rule in broken]
        if spring and provision == CensusCode.NONE and any(need == NeedType.NSA for _, need in needs.get(pupil.pk, [])):
            breaches.append(Breach(row.pupil_id, row.upn, row.name, "nsa_only_with_k"))
    return CensusExtract(census_date=census_date, pupils=rows, breaches=breaches)


def extract_csv(extract: CensusExtract) -> str:
    """The extract, a row per pupil: UPN, names, date of birth, year, SEN provision, primary and secondary need."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UPN", "Surname", "Forename", "DOB", "NCyearActual", "SENprovision", "SENtype1", "SENtype2"])
    for row in extract.pupils:
        writer.writerow(
            safe_row(
                [
                    row.upn,
                    row.surname,
                    row.forename,
                    row.date_of_birth.isoformat(),
                    row.nc_year,
                    row.sen_provision,
                    row.need_of_rank(NeedRank.PRIMARY),
                    row.need_of_rank(NeedRank.SECONDARY),
                ]
            )
        )
    return out.getvalue()


def validation_csv(extract: CensusExtract) -> str:
    """The validation report: one line per breach, naming the pupil and the rule."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UPN", "Pupil", "Rule", "What is wrong"])
    for breach in extract.breaches:
        writer.writerow(safe_row([breach.upn, breach.name, breach.rule, breach.message]))
    return out.getvalue()
