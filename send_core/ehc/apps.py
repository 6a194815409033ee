from django.apps import AppConfig


class EhcConfig(AppConfig):
    # In every organisation's schema: a school keeps its requests, its pupils' EHC plans and
    # annual reviews; a local authority keeps its cases, their advice, plans and decisions.
    name = "send_core.ehc"
    label = "ehc"
    verbose_name = "EHC needs assessments and plans"
