"""Document metadata: what the encrypted file is, who added it, and how to find and check it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from send_core.models import Document
from tests.send_core.factories import DocumentFactory


def test_document_metadata_is_checked(in_a, in_b):
    document = DocumentFactory(sha256="ab" * 32)
    document.full_clean()
    assert bytes(Document.objects.get(pk=document.pk).wrapped_key) == b"wrapped"
    document.sha256 = "AB" * 32
    with pytest.raises(ValidationError, match="64 lower-case hexadecimal"):
        document.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(storage_name=document.storage_name)
    with in_b():
        assert not Document.objects.exists()

