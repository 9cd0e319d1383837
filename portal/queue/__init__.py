from flask import Blueprint

bp = Blueprint("queue", __name__, url_prefix="/manage/queue")
