"""The zip for a school not on Cairn carries only the chosen parts, with safe, distinct names."""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import fromstring

from integrations.ctf import handover
from send_core.models import Pupil
from send_core.services.documents import upload_document

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nSpeech and language report\n%%EOF\n"


def _elsewhere(transition, in_schema):
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(
            destination_urn="123456", destination="Riverside Academy", medical_needs=True
        )
        return Pupil.objects.get(pk=transition.pupil.pk)


def _bundle(transition, in_schema, pupil, sections, document_ids=()):
    with in_schema(transition.primary):
        bundle = handover.transition_bundle(
            pupil,
            organisation=transition.primary,
            exported_by=transition.senco_a,
            sections=sections,
            document_ids=document_ids,
        )
    return zipfile.ZipFile(io.BytesIO(bundle.content))


def _ctf(archive):
    return fromstring(archive.read(next(n for n in archive.namelist() if "_CTF_" in n)))


def test_the_ctf_leaves_out_needs_and_medical_unless_they_were_chosen(transition, in_schema):
    pupil = _elsewhere(transition, in_schema)
    pupil_element = _ctf(_bundle(transition, in_schema, pupil, ["plan"])).find("CTFpupilData/Pupil")
    assert pupil_element.findtext("UPN") == transition.pupil.upn
    assert pupil_element.find("SENhistory") is None and pupil_element.find("SENneeds") is None
    assert pupil_element.find("BasicDetails/MedicalFlag") is None
    chosen = _ctf(_bundle(transition, in_schema, pupil, ["needs", "medical"])).find("CTFpupilData/Pupil")
    assert [n.findtext("SENtype") for n in chosen.findall("SENhistory/SENneeds/SENneed")] == ["SPLD", "SLCN"]
    assert chosen.findtext("BasicDetails/MedicalFlag") == "true"


def test_document_names_are_numbered_distinct_and_cannot_leave_their_folder(transition, in_schema):
    pupil = _elsewhere(transition, in_schema)
    with in_schema(transition.primary):
        documents = [
            upload_document(
                pupil,
                uploaded_by=transition.senco_a,
                title="Speech and language report",
                kind="report",
                content=io.BytesIO(PDF + bytes([n])),
                original_filename=name,
            )
            for n, name in enumerate(["..\\..\\windows\\report.pdf", "report.pdf", "../../report.pdf"])
        ]
    archive = _bundle(transition, in_schema, pupil, ["plan", "documents"], [d.pk for d in documents])
    names = archive.namelist()
    assert len(names) == len(set(names)) == 5
    stored = sorted(n for n in names if n.startswith("documents/"))
    assert len(stored) == 3
    assert [n.split("-", 1)[0] for n in stored] == ["documents/01", "documents/02", "documents/03"]
    for name in stored:
        assert "\\" not in name and ".." not in name and name.count("/") == 1
        assert archive.read(name).startswith(b"%PDF")
