"""Signals send_core sends for others to listen to (send_core itself imports none of its listeners)."""

from django.dispatch import Signal

# Records changed in bulk (an MIS import, a toolkit change, a review's progress), where no
# post_save is sent for each row. Sent with `model` (the model class that changed).
records_changed_in_bulk = Signal()
