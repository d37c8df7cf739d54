"""Configuration read from the environment, with embedded defaults."""

import os
import secrets
import tempfile
from pathlib import Path


def instance_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in instance/.

    Several workers may start at once with no key yet: each writes a key of its own to a private
    file and links it into place, which only the first can do, so every worker reads one whole
    key, the same (a key per worker would make each one refuse the others' sessions and forms).
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")   # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass                                   # another worker's key is in place: use it
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    """The app's settings: DATABASE_URL (default: SQLite in instance/), SECRET_KEY, REDIS_URL."""
    default_db = "sqlite:///" + str(Path(instance_path) / "college.db")
    url = os.environ.get("DATABASE_URL", default_db)
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": instance_secret_key(instance_path),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_Hans_CN", "en"],
        "WTF_CSRF_TIME_LIMIT": None,  # no session timeout that loses a half-filled form
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "PAGE_SIZE": 50,
    }
