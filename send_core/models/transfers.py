"""Common Transfer Files sent from this school: the running number in each file's name."""

from __future__ import annotations

from django.db import models


class TransferFileSequence(models.Model):
    """The last sequence number used in the names of CTFs sent to one destination.

    CTF specification, file naming: `LLLEEEE_CTF_LLLEEEE_NNN.xml` — the source LA and establishment,
    the destination's (or `MMMMMMM` when it is not known) and a three-digit sequence number.
    """

    destination = models.CharField(max_length=7, unique=True, help_text="LA and establishment number, or MMMMMMM.")
    last_number = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"CTFs to {self.destination}: {self.last_number:03d}"
