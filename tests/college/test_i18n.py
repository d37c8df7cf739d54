"""Compiling the message catalogs, which every process does as it starts."""

from __future__ import annotations

import gettext
import multiprocessing
import shutil
from pathlib import Path

from college.i18n import PACKAGE, compile_catalogs

PO = PACKAGE / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def _compile_when_all_are_ready(directory: str, barrier) -> None:
    barrier.wait()
    compile_catalogs([Path(directory)])


def _copy_catalog(tmp_path: Path) -> Path:
    translations = tmp_path / "translations"
    (translations / "zh_Hans_CN" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po")
    return translations


def test_a_missing_catalog_is_compiled_and_reads_in_chinese(tmp_path):
    translations = _copy_catalog(tmp_path)
    compile_catalogs([translations])
    mo = translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    assert catalog.gettext("Log in") != "Log in"
    before = mo.stat().st_mtime_ns
    compile_catalogs([translations])                       # up to date: left alone
    assert mo.stat().st_mtime_ns == before


def test_processes_starting_together_all_compile_the_same_catalog_without_error(tmp_path):
    # gunicorn's workers (and the test suite's) start at once: each finds the .mo missing and
    # compiles it; one shared temporary name let one process rename away another's file
    translations = _copy_catalog(tmp_path)
    context = multiprocessing.get_context("fork")
    for _round in range(3):
        (translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo").unlink(missing_ok=True)
        barrier = context.Barrier(8)
        workers = [context.Process(target=_compile_when_all_are_ready, args=(str(translations), barrier))
                   for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * 8
        directory = translations / "zh_Hans_CN" / "LC_MESSAGES"
        assert sorted(p.name for p in directory.iterdir()) == ["messages.mo", "messages.po"]
        with (directory / "messages.mo").open("rb") as f:
            assert gettext.GNUTranslations(f).gettext("Log in") != "Log in"
