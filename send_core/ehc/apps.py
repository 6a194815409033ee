from django.apps import AppConfig


class EhcConfig(AppConfig):
    # In every organisation's schema: a school keeps its requests, its pupils' EHC plans and
    # annual reviews; a local authority keeps its cases, their advice, plans and decisions.
    name = "send_core.ehc"
    label = "ehc"
    verbose_name = "EHC needs assessments and plans"

    def ready(self) -> None:
        from send_core.ports import register_dashboard_panel, register_ehc_plan_in_force

        from .requests.ports import ehc_dashboard_panel, ehc_plan_in_force

        # The register records census code E only for a pupil whose EHC plan is in force.
        register_ehc_plan_in_force(ehc_plan_in_force)
        # The SENCO's dashboard shows the requests with the LA and the annual reviews due.
        register_dashboard_panel(ehc_dashboard_panel)
        # EHC plans, requests and annual reviews as kinds of record on a pupil.
        from .kinds import register as register_record_kinds

        register_record_kinds()
