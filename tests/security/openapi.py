"""Every operation of the REST API's OpenAPI schema, as drf-spectacular generates it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # as in the schema, e.g. "/api/v1/pupils/{pupil_id}/"
    operation_id: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def parameters(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


def all_operations() -> list[Operation]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        Operation(method.upper(), path, spec.get("operationId", ""))
        for path, item in schema["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]
