"""The framework ceiling for ``benchmarks/load.py``: a minimal Flask app under the same gunicorn settings.

``POST /chunking`` parses the JSON body and answers with its text as the only
chunk; no validation, logging, metrics or chunking. Whatever chunkwise does
beyond this is its own cost.
"""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/chunking")
def chunking():
    text = request.get_json()["text"]
    return jsonify(chunks=[text], metadata=[{"start": 0, "end": len(text), "size": len(text)}], count=1)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
