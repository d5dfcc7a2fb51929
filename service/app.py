"""`create_app`: the only way the Flask application is built; it reads as a table of contents."""

from __future__ import annotations

from flask import Flask

from service.api import (audit, employers, enrolments, errors, follow_ups, guards, health, metrics,
                         organisation, outage, placements, projects, prometheus, referrals, trainees, users, vacancies)
from service.api import duplicates, funnel, groups, headers, ratelimit, reference
from service.api import consent
from service.api.context import EXTENSION
from service.api.openapi import init_api
from service.bootstrap import Pathways, bootstrap
from service import web
from service.config import Config

API_BLUEPRINTS = (organisation.blp, groups.blp, users.blp, projects.blp, duplicates.blp, trainees.blp,
                  enrolments.blp, employers.blp, vacancies.blp, referrals.blp, placements.blp, follow_ups.blp,
                  metrics.blp, funnel.blp, reference.blp, audit.blp, consent.blp)


def create_app(config: Config | None = None, pathways: Pathways | None = None) -> Flask:
    # The pages' templates and static files (service/web), served at /static by Pathways itself: no CDN.
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    pathways = pathways or bootstrap(config)
    app.extensions[EXTENSION] = pathways
    app.config["MAX_CONTENT_LENGTH"] = pathways.config.max_content_length
    app.json.sort_keys = False

    errors.register(app)
    outage.register(app, pathways.engine)
    guards.register(app)
    headers.register(app)
    ratelimit.register(app, pathways.config)
    app.register_blueprint(health.blp)
    prometheus.register(app)
    init_api(app, API_BLUEPRINTS)
    web.register(app)
    return app
