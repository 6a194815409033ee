"""Needs follow the census rules: one primary, at most one secondary, NSA only at SEN Support."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import AreaOfNeed, Diagnosis, NeedRank, NeedType, Pupil, PupilNeed
from send_core.services.needs import add_need, end_need, make_primary_need, record_diagnosis, update_need
from tests.send_core.factories import PupilFactory, PupilNeedFactory, on_register

D = datetime.date


def test_a_primary_then_a_secondary_need(in_a, staff, in_b):
    senco = staff("senco")
    pupil = PupilFactory()
    primary = add_need(pupil, need_type=NeedType.ASD, rank=NeedRank.PRIMARY, recorded_by=senco, notes="Diagnosed 2023")
    assert primary.area == AreaOfNeed.COMMUNICATION_INTERACTION  # the census type decides the broad area
    secondary = add_need(pupil, need_type=NeedType.SEMH, rank=NeedRank.SECONDARY, recorded_by=senco)
    assert secondary.area == AreaOfNeed.SEMH
    # Further needs are kept, but not ranked for the census.
    other = add_need(
        pupil, need_type=NeedType.OTH, rank=NeedRank.OTHER, area=AreaOfNeed.SENSORY_PHYSICAL, recorded_by=senco
    )
    assert {n.rank for n in PupilNeed.objects.filter(pupil=pupil)} == {"primary", "secondary", "other"}
    assert other.area == AreaOfNeed.SENSORY_PHYSICAL
    with in_b():
        assert not Pupil.objects.filter(upn=pupil.upn).exists() and not PupilNeed.objects.exists()


@pytest.mark.parametrize(
    "existing, new, message",
    [
        ([], ("SEMH", "secondary"), "Record the pupil's primary need before a secondary need"),
        ([], ("SEMH", "other"), "Record the pupil's primary need first"),
        ([("SPLD", "primary")], ("MLD", "primary"), "primary need is already Specific learning difficulty"),
        ([("SPLD", "primary"), ("SEMH", "secondary")], ("SLCN", "secondary"), "at most two ranked needs"),
        ([("SPLD", "primary")], ("SPLD", "secondary"), "already one of this pupil's current needs"),
        ([], ("NSA", "primary"), "can only be recorded while the pupil is at SEN Support"),
        ([], ("FOO", "primary"), "Choose a type of need"),
    ],
)
def test_rule_breaking_needs_are_refused(in_a, staff, existing, new, message):
    senco = staff("senco")
    pupil = PupilFactory()
    for need_type, rank in existing:
        PupilNeedFactory(pupil=pupil, need_type=need_type, rank=rank)
    with pytest.raises(ValidationError) as error:
        add_need(pupil, need_type=new[0], rank=new[1], recorded_by=senco)
    assert message in str(error.value)
    assert PupilNeed.objects.filter(pupil=pupil).count() == len(existing)


def test_the_area_must_match_the_type(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    with pytest.raises(ValidationError, match="Hearing impairment belongs to sensory and/or physical"):
        add_need(pupil, need_type=NeedType.HI, rank=NeedRank.PRIMARY, area=AreaOfNeed.SEMH, recorded_by=senco)
    with pytest.raises(ValidationError, match="Choose the broad area"):
        add_need(pupil, need_type=NeedType.OTH, rank=NeedRank.PRIMARY, recorded_by=senco)


def test_nsa_is_allowed_at_sen_support(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    on_register(pupil)  # with an SPLD primary need
    need = add_need(
        pupil, need_type=NeedType.NSA, rank=NeedRank.SECONDARY, area=AreaOfNeed.COGNITION_LEARNING, recorded_by=senco
    )
    assert need.need_type == NeedType.NSA


def test_ending_the_primary_promotes_the_secondary(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    primary = PupilNeedFactory(pupil=pupil, need_type=NeedType.SLCN, rank=NeedRank.PRIMARY)
    secondary = PupilNeedFactory(pupil=pupil, need_type=NeedType.SEMH, rank=NeedRank.SECONDARY)
    end_need(primary, ended_by=senco, ended_on=D(2025, 1, 10))
    primary.refresh_from_db()
    secondary.refresh_from_db()
    assert primary.ended_on == D(2025, 1, 10) and secondary.rank == NeedRank.PRIMARY


def test_a_pupil_at_sen_support_keeps_a_primary_need(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    on_register(pupil)
    primary = PupilNeed.objects.get(pupil=pupil)
    with pytest.raises(ValidationError, match="must have a primary need"):
        end_need(primary, ended_by=senco)
    primary.refresh_from_db()
    assert primary.ended_on is None


def test_make_primary_swaps_ranks(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    primary = PupilNeedFactory(pupil=pupil, need_type=NeedType.SPLD, rank=NeedRank.PRIMARY)
    secondary = PupilNeedFactory(pupil=pupil, need_type=NeedType.SEMH, rank=NeedRank.SECONDARY)
    other = PupilNeedFactory(
        pupil=pupil, need_type=NeedType.SLCN, rank=NeedRank.OTHER, area="communication_interaction"
    )
    make_primary_need(other, changed_by=senco)
    ranks = {n.need_type: n.rank for n in PupilNeed.objects.filter(pupil=pupil)}
    assert ranks == {"SLCN": "primary", "SPLD": "secondary", "SEMH": "other"}
    make_primary_need(primary, changed_by=senco)
    ranks = {n.need_type: n.rank for n in PupilNeed.objects.filter(pupil=pupil)}
    assert ranks == {"SPLD": "primary", "SLCN": "secondary", "SEMH": "other"}
    secondary.refresh_from_db()
    assert secondary.rank == "other"


def test_only_senco_or_head_record_needs(in_a, staff):
    pupil = PupilFactory()
    for role in ("teacher", "teaching_assistant", "school_admin", "governor"):
        with pytest.raises(PermissionDenied):
            add_need(pupil, need_type=NeedType.SPLD, rank=NeedRank.PRIMARY, recorded_by=staff(role))
    need = add_need(pupil, need_type=NeedType.SPLD, rank=NeedRank.PRIMARY, recorded_by=staff("headteacher"))
    with pytest.raises(PermissionDenied):
        update_need(need, changed_by=staff("teacher"), notes="x")


def test_diagnoses_keep_date_and_source(in_a, staff, in_b):
    senco = staff("senco")
    pupil = PupilFactory()
    diagnosis = record_diagnosis(
        pupil,
        recorded_by=senco,
        name="Autism",
        source="paediatrics",
        diagnosed_on=D(2023, 5, 2),
        source_detail="Child development centre",
    )
    assert diagnosis.get_source_display() == "Paediatrician" and diagnosis.diagnosed_on == D(2023, 5, 2)
    with pytest.raises(ValidationError, match="Choose who made the diagnosis"):
        record_diagnosis(pupil, recorded_by=senco, name="ADHD", source="neighbour")
    with in_b():
        assert not Diagnosis.objects.exists()
