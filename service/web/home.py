"""The home page: where a signed-in user starts (the caseworker's day is filled in by its area)."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.domain.roles import EVERYONE
from service.web.auth import page_requires

blp = Blueprint("home", __name__)


@blp.get("/")
@page_requires(EVERYONE)
def index():
    return render_template("home/index.html")
