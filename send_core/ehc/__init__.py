"""EHC needs assessments: the school's request, the LA's case and its statutory clock, EHC plans and annual reviews."""
