"""What provision answers through the pupil record's ports (`send_core.ports`), registered from its
AppConfig.ready(): the groups and individual provision a pupil receives, on their provision page."""

from __future__ import annotations

from send_core.models import Pupil
from send_core.ports import Panel

from .selectors import pupil_provision


def pupil_provision_panel(pupil: Pupil) -> Panel:
    """The pupil's intervention groups and individual provision, each costed over this school year."""
    return Panel(template="provision/pupil_section.html", context={"delivered": pupil_provision(pupil)})
