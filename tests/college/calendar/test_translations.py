"""Every sentence of the calendar package and its pages has its Chinese translation."""

from tests.college.translations import messages, untranslated


def test_every_message_of_the_calendar_is_translated_to_chinese(app):
    found = messages(python=["college/calendar/*.py"], templates=["templates/calendar/*.html"])
    assert len(found) >= 80
    assert untranslated(app, found) == []
