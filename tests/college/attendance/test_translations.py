"""Every sentence of the attendance package and its page has its Chinese translation."""

from tests.college.translations import messages, untranslated


def test_every_message_of_attendance_is_translated_to_chinese(app):
    found = messages(python=["college/attendance/*.py"], templates=["templates/attendance/*.html"])
    assert len(found) >= 15
    assert untranslated(app, found) == []
