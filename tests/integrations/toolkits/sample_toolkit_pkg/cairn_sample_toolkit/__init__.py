"""A sample toolkit plugin: one toolkit built in Python, one from a declarative file."""

from pathlib import Path

from send_core.toolkit import NATIONAL_DEFAULT, AreaDescriptors, DescriptorLevel, Stage, Toolkit

TOOLKIT = Toolkit(
    key="sample-python",
    name="Sample Borough Graduated Pathway",
    stages=(
        Stage("watch", "Watching brief", "Progress is watched after a concern.", "N"),
        Stage("wave_2", "Wave 2 support", "Targeted support with a plan.", "K"),
        Stage("wave_3", "Wave 3 support", "Specialist-led support with a plan.", "K"),
        Stage("ehcp", "EHCP", "An education, health and care plan is in place.", "E"),
    ),
    plan_name="Pathway Plan",
    plan_sections=NATIONAL_DEFAULT.plan_sections,
    max_outcomes=5,
    la_codes=("999",),
    descriptors=(
        AreaDescriptors(
            "semh",
            (
                DescriptorLevel("low", "Low", "Occasional worries.", "A trusted adult.", "watch"),
                DescriptorLevel("high", "High", "Frequent distress.", "A key adult daily.", "wave_2"),
            ),
        ),
    ),
    ui_wording={"concern_form": "Pathway concern"},
)

TOOLKIT_FILE = Path(__file__).resolve().parent / "sample.toml"
