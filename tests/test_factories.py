"""Every model of Cairn's own apps has a factory, and each factory makes a valid row in its own schema."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Model

from send_core.ehc.models import AdviceRequest, CaseAnnualReview, ClockException, EhcCase
from tests.factories import FACTORIES

PROJECT_PACKAGES = ("send_core", "tenants", "integrations", "send_platform", "send_graphql")
# The LA's casework lives in a local authority's schema (the tables are in every organisation's).
LA_CASEWORK = frozenset({EhcCase, AdviceRequest, ClockException, CaseAnnualReview})


def _project_models() -> list[type[Model]]:
    return [model for model in apps.get_models() if model._meta.app_config.name.split(".")[0] in PROJECT_PACKAGES]


def _schemas_for(model: type[Model]) -> list[str]:
    """Where the model's table is: public, an organisation's schema, or both (the audit trail)."""
    app_name = model._meta.app_config.name
    places = []
    if any(app_name == entry or entry.startswith(f"{app_name}.apps.") for entry in settings.SHARED_APPS):
        places.append("public")
    if app_name in settings.TENANT_APPS:
        places.append("la" if model in LA_CASEWORK else "school")
    return places


CASES = [
    pytest.param(model, schema, id=f"{model._meta.label}-{schema}")
    for model in _project_models()
    for schema in _schemas_for(model)
]


def test_every_model_has_a_factory():
    missing = sorted(model._meta.label for model in _project_models() if model not in FACTORIES)
    assert not missing, f"Models without a factory in tests/factories.py: {', '.join(missing)}"


def test_every_model_has_a_schema():
    assert all(_schemas_for(model) for model in _project_models())


@pytest.mark.parametrize(("model", "schema"), CASES)
def test_factory_makes_a_valid_row(model, schema, school_a, la):
    factory_class = FACTORIES.get(model)
    if factory_class is None:
        pytest.fail(f"{model._meta.label} has no factory")
    if schema != "public":
        connection.set_tenant(school_a if schema == "school" else la)
    row = factory_class()
    row.full_clean()
    row.save()
    assert connection.schema_name == {"public": "public", "school": school_a.schema_name, "la": la.schema_name}[schema]
    assert model.objects.filter(pk=row.pk).exists()
