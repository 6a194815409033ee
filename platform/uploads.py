"""What documents Cairn accepts, and refusing oversized uploads before any of them is kept.

Django's own upload handlers keep every uploaded file, in memory or in a temporary file, whatever
its size. `LimitedUploadHandler` goes in front of them on document upload views and stops the
upload as soon as it is known to be too large: from the declared Content-Length before any file
part is read, or from the bytes received so far. The view then finds the reason on
`request.upload_refused` and no file in `request.FILES`.

Upload handlers can only be changed before anything reads `request.POST` or `request.FILES`, and
the CSRF middleware reads `request.POST` before the view runs. So either decorate the view with
`limited_upload()` (which handles that), or make the view `csrf_exempt`, call `limit_uploads()`,
and only then run the CSRF-protected code, as the Django documentation on modifying upload
handlers describes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import MappingProxyType

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect

DOCUMENT_MAX_BYTES: int = getattr(settings, "CAIRN_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)

# Content type (as sniffed from the file's own bytes, never as the browser declares it) -> label.
ALLOWED_DOCUMENT_TYPES = MappingProxyType(
    {
        "application/pdf": "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document (DOCX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet (XLSX)",
        "application/vnd.oasis.opendocument.text": "OpenDocument text (ODT)",
        "image/png": "PNG image",
        "image/jpeg": "JPEG image",
        "text/plain": "Plain text or CSV",
    }
)

# Room in a request's Content-Length for the form's other fields and the multipart framing.
REQUEST_OVERHEAD_BYTES = 256 * 1024

_MB = 1024 * 1024


def describe_size(num_bytes: int) -> str:
    """`20 MB`, `1.5 MB`, `300 KB`, `100 bytes`: a size limit as people read it."""
    if num_bytes >= _MB:
        return f"{num_bytes / _MB:.1f}".removesuffix(".0") + " MB"
    if num_bytes >= 1024:
        return f"{num_bytes / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{num_bytes} bytes"


def too_large_message(max_bytes: int) -> str:
    return f"The file is larger than the {describe_size(max_bytes)} limit"


def document_max_bytes() -> int:
    """The current limit, read from settings at call time (so tests can override it)."""
    return getattr(settings, "CAIRN_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


class LimitedUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as any file in it is known to be over `max_bytes`.

    Must come first in `request.upload_handlers`: it passes each chunk on to the handlers after
    it only while the file is still within the limit, and raises `StopUpload` once it is not.
    Django then closes (and so deletes) whatever the later handlers had spooled, reads and
    discards the rest of the request body (`connection_reset=False`, so the browser still gets
    the page explaining the refusal), and leaves the refused file out of `request.FILES`.
    """

    def __init__(self, request=None, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = document_max_bytes() if max_bytes is None else max_bytes
        if self.max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self.refused: str | None = None
        self._received = 0

    def _record_refusal(self) -> None:
        self.refused = too_large_message(self.max_bytes)
        if self.request is not None:
            self.request.upload_refused = self.refused

    def _refuse(self) -> StopUpload:
        self._record_refusal()
        return StopUpload(connection_reset=False)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Django does not catch StopUpload raised here (the request would end in a server
        # error), so the refusal is recorded now and raised at the first file part: no file byte
        # is read, while the fields before it (the CSRF token among them) are still parsed.
        if content_length is not None and content_length > self.max_bytes + REQUEST_OVERHEAD_BYTES:
            self._record_refusal()
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._received = 0
        if self.refused is not None:
            raise self._refuse()
        if content_length is not None and content_length > self.max_bytes:
            raise self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            raise self._refuse()
        return raw_data

    def file_complete(self, file_size):
        # The handlers after this one build the uploaded file.
        return None


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps every uploaded file in memory, never in a temporary file, up to the document limit.

    Django's `TemporaryFileUploadHandler` writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to
    FILE_UPLOAD_TEMP_DIR in plaintext, and a worker killed mid-upload leaves that file behind.
    This handler (the only one in FILE_UPLOAD_HANDLERS) never spools: it refuses a file as soon
    as it passes `max_bytes`, so memory is bounded by the limit and nothing but the sealed
    document (send_platform.crypto) ever reaches disk. `limit_uploads()` sets a view's own limit.
    """

    def __init__(self, request=None, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = document_max_bytes() if max_bytes is None else max_bytes
        self._received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Always active, whatever FILE_UPLOAD_MAX_MEMORY_SIZE says: there is no disk fallback.
        self.activated = True

    def _refuse(self) -> StopUpload:
        message = too_large_message(self.max_bytes)
        if self.request is not None and not getattr(self.request, "upload_refused", None):
            self.request.upload_refused = message
        return StopUpload(connection_reset=False)

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        self._received = 0
        if content_length is not None and content_length > self.max_bytes:
            raise self._refuse()
        # Starts the in-memory file, then stops the handlers after this one (StopFutureHandlers).
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            raise self._refuse()
        return super().receive_data_chunk(raw_data, start)


def limit_uploads(request, max_bytes: int | None = None) -> LimitedUploadHandler:
    """Put a `LimitedUploadHandler` first in `request.upload_handlers` and return it.

    Call before anything reads `request.POST` or `request.FILES`; afterwards it is too late and
    this raises `RuntimeError` rather than silently doing nothing.
    """
    if hasattr(request, "_files"):
        raise RuntimeError(
            "The upload has already been read, so its size can no longer be limited: "
            "call limit_uploads() before request.POST or request.FILES is used."
        )
    request.upload_refused = None
    handler = LimitedUploadHandler(request, max_bytes)
    for later in request.upload_handlers:
        if isinstance(later, InMemoryUploadHandler):
            # The view's limit holds in memory too, whether smaller or larger than the default.
            later.max_bytes = handler.max_bytes
    request.upload_handlers.insert(0, handler)
    return handler


def limited_upload(max_bytes: int | None = None) -> Callable:
    """View decorator: limits uploads, then applies CSRF protection as usual.

    The outer view is CSRF-exempt only so that the limit can be installed before the CSRF check
    reads `request.POST`; the CSRF check itself still runs, unchanged, on the inner view.
    """

    def decorator(view: Callable) -> Callable:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("POST", "PUT", "PATCH"):
                limit_uploads(request, max_bytes)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator
