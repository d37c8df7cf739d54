"""Every sentence of the enrollment package and its pages has its Chinese translation."""

from tests.college.translations import messages, untranslated


def test_every_message_of_enrollment_is_translated_to_chinese(app):
    found = messages(python=["college/enrollment/*.py"], templates=["templates/enrollment/*.html"])
    assert len(found) >= 80
    assert untranslated(app, found) == []
