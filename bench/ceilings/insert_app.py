"""Ceiling (b): a marshmallow-validated single-row INSERT, SQLAlchemy Core, the statement built once.

The body is the one `POST /api/v1/enrolments` takes; the row goes into a scratch table of
the benchmark database. No auth, no rules, no outbox, no audit: the floor every write
endpoint stands on.
"""

import os
import uuid

from flask import Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import Column, Date, MetaData, Table, Uuid, text

from service.config import normalise_database_url
from service.db.session import make_engine

metadata = MetaData()
rows = Table("bench_ceiling_enrolments", metadata,
             Column("id", Uuid, primary_key=True), Column("trainee_id", Uuid, nullable=False),
             Column("project_id", Uuid, nullable=False), Column("cohort_id", Uuid),
             Column("enrolled_on", Date, nullable=False))


class EnrolmentBody(Schema):
    trainee_id = fields.UUID(required=True)
    project_id = fields.UUID(required=True)
    cohort_id = fields.UUID(allow_none=True)
    enrolled_on = fields.Date(required=True)


engine = make_engine(normalise_database_url(os.environ["DATABASE_URL"]))  # the API's engine settings
with engine.begin() as connection:
    # gunicorn's workers import this module at once: one creates the table while the others wait on
    # the lock, then find it (concurrent CREATE TABLEs fail, and a worker that fails to boot halts gunicorn)
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('bench_ceiling_enrolments'))"))
    metadata.create_all(connection, checkfirst=True)
schema = EnrolmentBody()
insert = rows.insert()
app = Flask(__name__)


@app.post("/enrolments")
def create():
    try:
        body = schema.load(request.get_json(force=True))
    except ValidationError as error:
        return jsonify({"errors": error.messages}), 422
    body["id"] = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(insert, body)
    return jsonify({**body, "id": str(body["id"]), "trainee_id": str(body["trainee_id"]),
                    "project_id": str(body["project_id"]), "enrolled_on": body["enrolled_on"].isoformat(),
                    "cohort_id": None}), 201
