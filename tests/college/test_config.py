"""Settings read at start-up, which several processes do at once under gunicorn."""

from __future__ import annotations

import multiprocessing
import stat

from college.config import instance_secret_key


def _key_when_all_are_ready(directory: str, barrier, keys) -> None:
    barrier.wait()
    keys.put(instance_secret_key(directory))


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
    context = multiprocessing.get_context("fork")
    for attempt in range(3):
        directory = tmp_path / f"instance{attempt}"
        barrier, keys = context.Barrier(8), context.Queue()
        workers = [context.Process(target=_key_when_all_are_ready, args=(str(directory), barrier, keys))
                   for _ in range(8)]
        for worker in workers:
            worker.start()
        got = [keys.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * 8
        assert len(set(got)) == 1 and len(got[0]) == 64
        assert (directory / "secret_key").read_text() == got[0]
        assert sorted(p.name for p in directory.iterdir()) == ["secret_key"]
