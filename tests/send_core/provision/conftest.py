"""Provision tests share the SEND fixtures and the school with people in every role."""

from tests.send_core.views.conftest import school  # noqa: F401
