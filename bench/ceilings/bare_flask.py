"""Ceiling (a): a bare Flask JSON endpoint, served by gunicorn with the API's own settings."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify({"status": "ok"})
