"""Census tests use the SEND fixtures and the school with people in every role."""

from tests.send_core.conftest import in_a, in_b, staff  # noqa: F401
from tests.send_core.views.conftest import school  # noqa: F401
