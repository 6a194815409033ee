"""The school's side of EHC work: asking the LA for an assessment, its evidence and status, and annual reviews."""
