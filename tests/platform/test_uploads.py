"""Oversized uploads are stopped before any of the file is kept."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.crypto import get_random_string
from send_platform.uploads import (
    ALLOWED_DOCUMENT_TYPES,
    DOCUMENT_MAX_BYTES,
    REQUEST_OVERHEAD_BYTES,
    LimitedUploadHandler,
    describe_size,
    limit_uploads,
    limited_upload,
    too_large_message,
)

LIMIT = 10_000


@pytest.fixture
def spool_dir(tmp_path, settings) -> Path:
    """Every upload goes through a temporary file in a folder we can look into."""
    path = tmp_path / "spool"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return path


def multipart_post(file_bytes: bytes, *, path="/documents/upload", **extra_fields):
    fields = {"csrfmiddlewaretoken": "t" * 32, **extra_fields, "document": SimpleUploadedFile("plan.pdf", file_bytes)}
    return RequestFactory().post(path, data=fields)


class FakeRequest:
    upload_refused = None


# --- The handler on its own --------------------------------------------------------------


def test_defaults_come_from_settings(settings):
    configured = getattr(settings, "CAIRN_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
    assert configured == DOCUMENT_MAX_BYTES
    settings.CAIRN_DOCUMENT_MAX_BYTES = 1234
    assert LimitedUploadHandler().max_bytes == 1234


def test_allowed_types_are_the_documents_cairn_takes():
    assert set(ALLOWED_DOCUMENT_TYPES) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "image/png",
        "image/jpeg",
        "text/plain",
    }
    with pytest.raises(TypeError):
        ALLOWED_DOCUMENT_TYPES["application/x-msdownload"] = "Program"


@pytest.mark.parametrize(
    ("size", "described"),
    [
        (20 * 1024 * 1024, "20 MB"),
        (1536 * 1024, "1.5 MB"),
        (300 * 1024, "300 KB"),
        (5000, "4.9 KB"),
        (100, "100 bytes"),
    ],
)
def test_limits_are_described_as_people_read_them(size, described):
    assert describe_size(size) == described
    assert too_large_message(size) == f"The file is larger than the {described} limit"


def test_chunks_within_the_limit_are_passed_on():
    request = FakeRequest()
    handler = LimitedUploadHandler(request, max_bytes=LIMIT)
    assert handler.handle_raw_input(io.BytesIO(), {}, LIMIT, b"x") is None
    handler.new_file("document", "plan.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"a" * 6000, 0) == b"a" * 6000
    assert handler.receive_data_chunk(b"a" * 4000, 6000) == b"a" * 4000
    assert handler.file_complete(LIMIT) is None
    assert request.upload_refused is None


def test_the_chunk_that_passes_the_limit_stops_the_upload():
    request = FakeRequest()
    handler = LimitedUploadHandler(request, max_bytes=LIMIT)
    handler.new_file("document", "plan.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"a" * LIMIT, 0)
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"a", LIMIT)
    assert stopped.value.connection_reset is False
    assert request.upload_refused == "The file is larger than the 9.8 KB limit"
    assert handler.refused == request.upload_refused


def test_each_file_is_counted_on_its_own():
    handler = LimitedUploadHandler(FakeRequest(), max_bytes=LIMIT)
    for name in ("one.pdf", "two.pdf"):
        handler.new_file("document", name, "application/pdf", None)
        handler.receive_data_chunk(b"a" * LIMIT, 0)
    assert handler.refused is None


def test_a_declared_part_length_over_the_limit_stops_the_upload_before_any_bytes():
    request = FakeRequest()
    handler = LimitedUploadHandler(request, max_bytes=LIMIT)
    with pytest.raises(StopUpload):
        handler.new_file("document", "plan.pdf", "application/pdf", LIMIT + 1)
    assert request.upload_refused


def test_a_declared_content_length_over_the_limit_stops_the_upload_at_the_first_file():
    request = FakeRequest()
    handler = LimitedUploadHandler(request, max_bytes=LIMIT)
    # Raising here would escape Django's parser, so the refusal is recorded and raised at the file.
    assert handler.handle_raw_input(io.BytesIO(), {}, LIMIT + REQUEST_OVERHEAD_BYTES + 1, b"x") is None
    assert request.upload_refused == too_large_message(LIMIT)
    with pytest.raises(StopUpload) as stopped:
        handler.new_file("document", "plan.pdf", "application/pdf", None)
    assert stopped.value.connection_reset is False


def test_the_handler_works_without_a_request():
    handler = LimitedUploadHandler(max_bytes=0)
    handler.new_file("document", "empty.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"", 0) == b""
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a", 0)
    assert handler.refused == "The file is larger than the 0 bytes limit"


# --- Inside Django's multipart parser ----------------------------------------------------


def parse(body: bytes, handlers, content_length: int | None = None):
    meta = {
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
    }
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def django_handlers(request, max_bytes=LIMIT):
    return [
        LimitedUploadHandler(request, max_bytes),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]


def test_parser_keeps_a_file_within_the_limit(spool_dir):
    request = FakeRequest()
    body = encode_multipart(
        BOUNDARY, {"csrfmiddlewaretoken": "t" * 32, "document": SimpleUploadedFile("p.pdf", b"a" * LIMIT)}
    )
    post, files = parse(body, django_handlers(request))
    assert files["document"].read() == b"a" * LIMIT
    assert request.upload_refused is None


def test_parser_drops_a_file_over_the_limit_and_keeps_no_spooled_copy(spool_dir):
    request = FakeRequest()
    file_bytes = b"a" * (LIMIT * 20)
    body = encode_multipart(
        BOUNDARY, {"csrfmiddlewaretoken": "t" * 32, "document": SimpleUploadedFile("p.pdf", file_bytes)}
    )
    handlers = django_handlers(request)
    post, files = parse(body, handlers)
    assert "document" not in files
    assert post["csrfmiddlewaretoken"] == "t" * 32  # fields before the file still arrive
    assert request.upload_refused == too_large_message(LIMIT)
    assert list(spool_dir.iterdir()) == []
    assert handlers[-1].file.closed  # the partial temporary copy was closed, and so removed


def test_parser_refuses_on_the_declared_length_without_reading_the_file(spool_dir):
    request = FakeRequest()
    body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": "t" * 32, "document": SimpleUploadedFile("p.pdf", b"a")})
    handlers = django_handlers(request)
    post, files = parse(body + b"\r\n" * 10, handlers, content_length=LIMIT + REQUEST_OVERHEAD_BYTES + 1)
    assert "document" not in files
    assert request.upload_refused == too_large_message(LIMIT)
    assert not hasattr(handlers[-1], "file")  # the spooling handler never started a file
    assert list(spool_dir.iterdir()) == []


# --- Installing it on a request ----------------------------------------------------------


def test_limit_uploads_puts_the_handler_first_and_the_request_sees_the_refusal(spool_dir):
    request = multipart_post(b"a" * (LIMIT + 1), note="Annual review")
    handler = limit_uploads(request, LIMIT)
    assert request.upload_handlers[0] is handler
    assert request.upload_refused is None
    assert "document" not in request.FILES
    assert request.POST["note"] == "Annual review"
    assert request.upload_refused == too_large_message(LIMIT)
    assert list(spool_dir.iterdir()) == []


def test_limit_uploads_lets_a_file_within_the_limit_through(spool_dir):
    request = multipart_post(b"a" * LIMIT)
    limit_uploads(request, LIMIT)
    assert request.FILES["document"].size == LIMIT
    assert request.upload_refused is None


def test_limit_uploads_refuses_to_be_installed_too_late():
    request = multipart_post(b"a")
    assert request.FILES
    with pytest.raises(RuntimeError, match="already been read"):
        limit_uploads(request, LIMIT)


def upload_view(request):
    if request.upload_refused:
        return HttpResponse(request.upload_refused, status=413)
    return HttpResponse(f"stored {request.FILES['document'].size}")


def csrf_request(file_bytes: bytes, *, token: str | None):
    secret = get_random_string(32)
    fields = {"csrfmiddlewaretoken": token if token is not None else secret}
    fields["document"] = SimpleUploadedFile("plan.pdf", file_bytes)
    request = RequestFactory().post("/documents/upload", data=fields)
    request.COOKIES["csrftoken"] = secret
    return request


def test_the_decorator_limits_the_upload_before_the_csrf_check_reads_it(spool_dir):
    view = limited_upload(LIMIT)(upload_view)
    response = view(csrf_request(b"a" * (LIMIT + 1), token=None))
    assert response.status_code == 413
    assert response.content.decode() == too_large_message(LIMIT)
    assert list(spool_dir.iterdir()) == []

    response = view(csrf_request(b"a" * LIMIT, token=None))
    assert response.status_code == 200
    assert response.content == f"stored {LIMIT}".encode()


def test_the_decorator_keeps_csrf_protection(spool_dir):
    view = limited_upload(LIMIT)(upload_view)
    response = view(csrf_request(b"a", token="x" * 32))
    assert response.status_code == 403


def test_the_decorator_leaves_other_methods_alone():
    view = limited_upload(LIMIT)(lambda request: HttpResponse(str(getattr(request, "upload_refused", "unset"))))
    response = view(RequestFactory().get("/documents/upload"))
    assert response.content == b"unset"
