"""Fast password hashing for these page tests (the hashing itself is tested with the login)."""

from functools import partial

import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    monkeypatch.setattr("college.auth.models.generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))
