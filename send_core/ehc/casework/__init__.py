"""The LA's side of EHC work: the inbox, cases and their statutory clock, advice, plans, annual reviews."""
