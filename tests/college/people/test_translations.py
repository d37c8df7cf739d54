"""Every sentence the people and account pages can show has its Chinese translation."""

from tests.college.translations import messages, untranslated

FILES = ["college/people/forms.py", "college/people/operations.py", "college/people/routes.py",
         "college/auth/forms.py", "college/auth/operations.py", "college/auth/routes.py"]


def test_every_message_of_people_and_accounts_is_translated_to_chinese(app):
    found = messages(python=FILES)
    assert len(found) > 100
    assert untranslated(app, found) == []
