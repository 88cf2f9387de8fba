"""A JSON Schema of the scheme format, for editors (YAML language server) and other tools."""

from __future__ import annotations

from typing import Any

from socmodel_cli.scheme.model import Scheme

SCHEMA_ID = "https://socmodel.invalid/scheme.schema.json"


def scheme_json_schema() -> dict[str, Any]:
    schema = Scheme.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
