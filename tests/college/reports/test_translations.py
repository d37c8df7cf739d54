"""Every sentence of the reports (code and templates) has its Chinese translation."""

from tests.college.translations import messages, untranslated


def test_every_message_of_the_reports_is_translated_to_chinese(app):
    found = messages(python=["college/reports/routes.py"], templates=["templates/reports/*.html"])
    assert len(found) >= 50 and "District overview" in found
    assert untranslated(app, found) == []
