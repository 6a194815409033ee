"""Acts that change a school's SEND records, one module per area.

Every act is atomic, checks the actor's permission (from their roles in the school whose schema
is active) and its limits before writing, raises ValidationError with a message a SENCO can act
on, and records an audit event naming the pupil (ids and field names only).
The keyword naming the actor is the one the record keeps (`decided_by`, `recorded_by`, …).
"""
