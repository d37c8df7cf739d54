"""The login page: phone number and password, said in words when wrong, in either language."""

from college.extensions import db
from tests.college import factories as f


def test_login_with_phone_and_password_goes_to_the_dashboard(client):
    f.account("13800000001")
    db.session.commit()
    response = client.post("/login", data={"phone": "138 0000 0001", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_password_is_said_in_words_next_to_the_password(client):
    f.account("13800000001")
    db.session.commit()
    response = client.post("/login", data={"phone": "13800000001", "password": "not-the-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="password-err"' in html and "手机号码或密码不正确" in html
    assert client.get("/admin/").status_code == 302


def test_inactive_account_cannot_log_in(client):
    acc = f.account("13800000001")
    acc.active = False
    db.session.commit()
    response = client.post("/login", data={"phone": "13800000001", "password": f.PASSWORD})
    assert 'id="password-err"' in response.get_data(as_text=True)


def test_login_page_allows_paste_and_autofill(client):
    html = client.get("/login").get_data(as_text=True)
    assert "onpaste" not in html and 'autocomplete="off"' not in html
    assert 'autocomplete="current-password"' in html and 'type="password"' in html


def test_language_switch_turns_the_login_page_to_english_and_back(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    client.get("/lang/en", headers={"Referer": "/login"})
    english = client.get("/login").get_data(as_text=True)
    assert "Log in" in english and "Phone number" in english and "登录" not in english
    wrong = client.post("/login", data={"phone": "13800000001", "password": "x"}).get_data(as_text=True)
    assert "The phone number or the password is not right" in wrong
    client.get("/lang/zh_Hans_CN")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt_outside_tests(app):
    from college.auth.models import hash_password

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    hashed = hash_password("a-long-secret")
    assert hashed.startswith("scrypt:") and "a-long-secret" not in hashed
    del app.config["PASSWORD_HASH_METHOD"]
    assert hash_password("another-secret").startswith("scrypt:")
