"""The whole demo, composed here at the top where every app may be named: the organisations and
people, then each app's demo records in the order they depend on one another."""

from __future__ import annotations

from send_graphql.demo import seed_demo_reporting

from send_core.demo import seed_demo_pupils
from send_core.ehc.demo import school_plan_copy, seed_demo_ehc
from send_core.provision.demo import seed_demo_provision
from send_core.transition.demo import seed_demo_transition
from tenants.demo import seed_demo_organisations
from tenants.models import Organisation


def seed_demo() -> dict[str, Organisation]:
    """Load the demo (safe to run twice); the demo organisations by slug."""
    organisations = seed_demo_organisations()
    # Pupils at the EHC plan stage hold their school's copy of the LA's plan, so the register records E.
    seed_demo_pupils(organisations, ehc_plan_copy=school_plan_copy)
    seed_demo_provision(organisations)
    # EHC requests and cases at Westmere, through the exchange, for the pupils just made.
    seed_demo_ehc(organisations)
    # A Millbrook Year 6 pupil bound for Harbourside, with a live grant.
    seed_demo_transition(organisations)
    # Reporting figures are worked out from what every other seeder made, so they come last.
    seed_demo_reporting(organisations)
    return organisations
