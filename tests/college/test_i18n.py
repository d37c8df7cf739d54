"""Compiling the message catalogs, which every process does as it starts."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

from college.i18n import PACKAGE, compile_catalogs
from tests.college.concurrency import processes_at_once

PO = PACKAGE / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


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
    for _round in range(3):
        (translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo").unlink(missing_ok=True)
        exits, _ = processes_at_once(compile_catalogs, [translations])
        assert exits == [0] * 8
        directory = translations / "zh_Hans_CN" / "LC_MESSAGES"
        assert sorted(p.name for p in directory.iterdir()) == ["messages.mo", "messages.po"]
        with (directory / "messages.mo").open("rb") as f:
            assert gettext.GNUTranslations(f).gettext("Log in") != "Log in"
