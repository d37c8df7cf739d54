"""Settings read at start-up, which several processes do at once under gunicorn."""

from __future__ import annotations

import stat

from college.config import instance_secret_key
from tests.college.concurrency import processes_at_once


def test_without_a_secret_key_one_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = instance_secret_key(str(tmp_path / "instance"))
    assert len(key) == 64 and key == instance_secret_key(str(tmp_path / "instance"))
    assert stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["secret_key"]
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert instance_secret_key(str(tmp_path / "instance")) == "from-the-environment"


def test_workers_starting_together_with_no_key_all_get_the_same_one(tmp_path, monkeypatch):
    # a key per worker would make each refuse the sessions and forms signed by the others
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for attempt in range(3):
        directory = tmp_path / f"instance{attempt}"
        exits, got = processes_at_once(instance_secret_key, str(directory))
        assert exits == [0] * 8
        assert len(set(got)) == 1 and len(got[0]) == 64
        assert (directory / "secret_key").read_text() == got[0]
        assert sorted(p.name for p in directory.iterdir()) == ["secret_key"]
