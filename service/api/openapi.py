"""flask-smorest adapted once to our contract: problem+json errors, local Swagger UI."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, json, send_from_directory
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import missing
from webargs.flaskparser import FlaskParser

from schemas.base import ProblemSchema
from service.api import guards, openapi_docs

API_PREFIX = "/api/v1"
SWAGGER_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)


class Api(SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Errors are rendered by `service.api.errors`, not by flask-smorest's default body."""


class BodyParser(FlaskParser):
    """Bodies are the document `guards.check_body` read (exact decimals, no key twice), not a
    second parse by webargs' own `json.loads`, which reads numbers as floats."""

    def _raw_load_json(self, req):
        return guards.parsed_body(default=missing)


class Blueprint(SmorestBlueprint):
    """Unknown query parameters are refused like unknown body fields (the schema decides)."""

    ARGUMENTS_PARSER = BodyParser(unknown=None)


def openapi_config() -> dict:
    return {
        "API_TITLE": "Pathways",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
        "API_SPEC_OPTIONS": {
            "info": {"description": "Case management for publicly funded employment programmes."},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    }


def _docs_assets() -> FlaskBlueprint:
    """Swagger UI's files come from the installed package: the docs work offline."""
    assets = FlaskBlueprint("docs_assets", __name__)

    @assets.get("/docs/assets/<path:filename>")
    def asset(filename: str):
        return send_from_directory(SWAGGER_ASSETS, filename)

    return assets


def init_api(app: Flask, blueprints) -> Api:
    app.config.update(openapi_config())
    api = Api(app)
    api.ma_plugin.converter.add_attribute_function(openapi_docs.field_properties)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + (blueprint.url_prefix or ""))
    openapi_docs.complete(app, api)
    app.register_blueprint(_docs_assets())
    return api


def listing(rows_and_cursor: tuple[list, str | None]) -> dict:
    rows, cursor = rows_and_cursor
    return {"items": rows, "next_cursor": cursor}


def dump(schema, data, status: int = 200) -> Response:
    """Respond with `schema`'s dump where the schema depends on the caller (employer views)."""
    return Response(json.dumps(schema.dump(data)), status=status, mimetype="application/json")


def dump_listing(schema, rows_and_cursor: tuple[list, str | None]) -> Response:
    rows, cursor = rows_and_cursor
    return Response(json.dumps({"items": schema.dump(rows, many=True), "next_cursor": cursor}),
                    mimetype="application/json")
