"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from catalog.models import Base

from .limiting import Limiter

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Counts live in PORTAL_RATELIMIT_STORAGE_URL (memory per process, or Redis shared by hosts).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def reading_bind() -> Session | Engine:
    """Where a statement that only reads goes: the request's session once it has begun, else
    the engine (for `catalog.prepared`: a page served from a cache may need no session)."""
    return db.session() if db.session.registry.has() else db.engine
