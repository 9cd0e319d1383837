"""The baseline: a bare Flask "hello" app, served exactly like the portal."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
