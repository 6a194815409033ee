"""Objects that broken third-party entry points might name (used by the discovery tests)."""

from send_core.toolkit import NATIONAL_DEFAULT, Toolkit

NOT_A_TOOLKIT = 42
MISSING_FILE = "/nowhere/westmere.toml"
TAKES_THE_ESSEX_KEY = Toolkit(
    key="essex",
    name="Another Essex",
    stages=NATIONAL_DEFAULT.stages,
    plan_name="Plan",
    plan_sections=NATIONAL_DEFAULT.plan_sections,
)


def make_toolkit():
    return Toolkit(
        key="made-by-a-function",
        name="Made by a function",
        stages=NATIONAL_DEFAULT.stages,
        plan_name="Function Plan",
        plan_sections=NATIONAL_DEFAULT.plan_sections,
    )


def explode():
    raise RuntimeError("the plugin's own bug")
