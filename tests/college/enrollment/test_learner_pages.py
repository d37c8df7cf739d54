"""The learners' own enrollment path, as a learner or a proxy sees it: /classes → confirm → slip → my courses → leave."""

from __future__ import annotations

import re

import pytest

from college.enrollment.operations import enroll
from college.extensions import db
from college.models import Account, Enrollment, EnrollmentStatus, Role, SectionStatus
from tests.college import factories as f
from tests.college.calendar.helpers import section as section_by_code
from tests.college.calendar.helpers import site as site_by_code
from tests.college.enrollment.helpers import TODAY, counts, learner, proxy_for


@pytest.fixture
def term():
    """The small published term (C001 书法入门 Mon/Wed 08:30 in 书画室 at S01 with 王老师), its classes open."""
    from tests.college.timetable.builders import published_small_term

    term, _version = published_small_term()
    for s in term.sections:
        s.status = SectionStatus.OPEN
    site_by_code("S01").address = "文化路128号党群服务中心二楼"
    site_by_code("S01").step_free = True
    db.session.commit()
    return term


def learner_account(n: int = 1, name: str = "张秀英"):
    le = learner(n, name=name)
    acc = f.account(f"1370000000{n}", Role.LEARNER, name)
    acc.learner_id = le.id
    db.session.commit()
    return le, acc


def login(client, acc) -> None:
    f.login(client, db.session.get(Account, acc.id))


def slip_id(response) -> int:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/my/classes/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def test_a_stranger_is_sent_to_log_in_and_back_to_the_class(app, client, term):
    c001 = section_by_code("C001")
    response = client.get(f"/classes/{c001.id}/enroll")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Fclasses%2F{c001.id}%2Fenroll"
    assert client.post(f"/classes/{c001.id}/enroll").status_code == 302
    assert counts(c001) == (0, 0, 0)
    page = client.get(f"/classes?area={site_by_code('S01').area_id}").text
    assert "登录后报名" in page and f"/login?next=/classes/{c001.id}/enroll" in page
    assert "还剩 25 个名额" in page
    assert ">报名<" not in page.replace('<span class="sr-only">', "<")


def test_a_learner_sees_seats_confirms_and_gets_a_slip_with_everything_to_turn_up(app, client, term):
    _le, acc = learner_account()
    c001 = section_by_code("C001")
    login(client, acc)
    listing = client.get(f"/classes?area={site_by_code('S01').area_id}").text
    assert "还剩 25 个名额" in listing and f'href="/classes/{c001.id}/enroll"' in listing
    assert 'href="/my/classes"' in listing and "我的课程" in listing           # in the navigation
    page = client.get(f"/classes/{c001.id}/enroll").text
    for fact in ("报名书法入门？", "王老师", "周一 08:30–10:00", "周三 08:30–10:00", "鼓楼社区银发先锋之家 · 书画室",
                 "地址： 文化路128号党群服务中心二楼", "无台阶", "免费", "2027年3月1日 周一 至 2027年6月30日 周三",
                 "确认报名", "data-submit-once", "js/submit-once.js"):
        assert fact in page, fact
    slip = client.get(f"/my/classes/{slip_id(client.post(f'/classes/{c001.id}/enroll'))}").text
    for fact in ("报名成功", "张秀英", "王老师", "周一 08:30–10:00", "文化路128号", "书画室",
                 "第一次上课", "2027年3月1日 周一 08:30", "打印报名单", "data-print"):
        assert fact in slip, fact
    assert counts(c001) == (1, 1, 0)
    assert "还剩 24 个名额" in client.get(f"/classes?area={site_by_code('S01').area_id}").text


def test_a_second_post_lands_on_the_same_slip_and_takes_no_second_seat(app, client, term):
    _le, acc = learner_account()
    c001 = section_by_code("C001")
    login(client, acc)
    first = slip_id(client.post(f"/classes/{c001.id}/enroll"))
    second = slip_id(client.post(f"/classes/{c001.id}/enroll"))
    assert first == second
    assert counts(c001) == (1, 1, 0)
    assert db.session.query(Enrollment).count() == 1
    # Opening the confirmation page again goes straight to the slip.
    again = client.get(f"/classes/{c001.id}/enroll")
    assert again.status_code == 302 and again.headers["Location"] == f"/my/classes/{first}"


def test_a_full_class_puts_the_learner_on_the_waitlist_and_the_slip_says_which_place(app, client, term):
    c003 = section_by_code("C003")
    c003.seats = 1
    db.session.commit()
    enroll(learner(5, name="李建国"), c003, None, today=TODAY)
    db.session.commit()
    _le, acc = learner_account()
    login(client, acc)
    assert "已满，可排队候补" in client.get(f"/classes?area={site_by_code('S01').area_id}").text
    page = client.get(f"/classes/{c003.id}/enroll").text
    assert "已满，可排队候补" in page and "排队候补" in page and "这个班已满" in page
    slip = client.get(f"/my/classes/{slip_id(client.post(f'/classes/{c003.id}/enroll'))}").text
    assert "已排队候补，第 1 位" in slip and "报名成功" not in slip
    assert counts(c003) == (1, 1, 1)
    mine = client.get("/my/classes").text
    assert "状态：候补第 1 位" in mine


def test_a_refusal_is_said_in_words_on_the_confirmation_page(app, client, term):
    from datetime import date

    le, acc = learner_account()
    le.birth_date = date(1990, 1, 1)
    c001 = section_by_code("C001")
    c001.course.min_age = 55
    db.session.commit()
    login(client, acc)
    page = client.get(f"/classes/{c001.id}/enroll").text
    assert "不能报名：" in page and "书法入门 要求年满 55 岁；开学时张秀英 37 岁。" in page
    assert "确认报名" not in page and "看看别的课" in page
    response = client.post(f"/classes/{c001.id}/enroll")
    assert response.status_code == 422
    assert "书法入门 要求年满 55 岁" in response.text
    assert counts(c001) == (0, 0, 0)


def test_a_class_not_open_says_so_and_refuses(app, client, term):
    _le, acc = learner_account()
    c002 = section_by_code("C002")
    c002.status = SectionStatus.CLOSED
    db.session.commit()
    login(client, acc)
    assert "现在不接受报名。" in client.get(f"/classes?area={site_by_code('S02').area_id}").text
    response = client.post(f"/classes/{c002.id}/enroll")
    assert response.status_code == 422 and "现在不接受报名" in response.text


def test_a_proxy_chooses_among_linked_learners_only(app, client, term):
    mother, father, stranger = learner(1, name="张秀英"), learner(2, name="李建国"), learner(3, name="王陌生")
    proxy = proxy_for(mother, father)
    c001 = section_by_code("C001")
    enroll(stranger, c001, None, today=TODAY)
    db.session.commit()
    stranger_row = db.session.scalar(db.select(Enrollment).where(Enrollment.learner_id == stranger.id))
    login(client, proxy)
    page = client.get(f"/classes/{c001.id}/enroll").text
    assert "为哪一位学员报名？" in page and "张秀英" in page and "李建国" in page and "王陌生" not in page
    assert client.post(f"/classes/{c001.id}/enroll", data={"learner_id": stranger.id}).status_code == 403
    assert client.post(f"/classes/{c001.id}/enroll", data={"learner_id": 999999}).status_code == 403
    unchosen = client.post(f"/classes/{c001.id}/enroll")
    assert unchosen.status_code == 422 and "请选择为哪一位学员报名。" in unchosen.text
    assert counts(c001) == (1, 1, 0)
    slip = client.get(f"/my/classes/{slip_id(client.post(f'/classes/{c001.id}/enroll', data={'learner_id': father.id}))}")
    assert "报名成功" in slip.text and "李建国" in slip.text
    assert counts(c001) == (2, 2, 0)
    assert client.get(f"/my/classes/{stranger_row.id}").status_code == 403
    assert client.get(f"/my/classes/{stranger_row.id}/withdraw").status_code == 403
    assert client.post(f"/my/classes/{stranger_row.id}/withdraw").status_code == 403
    mine = client.get("/my/classes").text
    assert "<h2>张秀英</h2>" in mine and "<h2>李建国</h2>" in mine and "王陌生" not in mine
    assert "状态：已报上" in mine


def test_an_unconsented_link_gives_the_proxy_nobody_to_enroll(app, client, term):
    from datetime import datetime

    from college.models import ProxyLink, ProxyRelation

    mother = learner(1, name="张秀英")
    proxy = f.account("13600000001", Role.PROXY, "代报名人")
    db.session.add(ProxyLink(proxy_account_id=proxy.id, learner_id=mother.id, relation=ProxyRelation.FAMILY,
                             consent_at=datetime(2027, 2, 1)))
    db.session.commit()
    link = db.session.scalar(db.select(ProxyLink))
    db.session.delete(link)
    db.session.commit()
    c001 = section_by_code("C001")
    login(client, proxy)
    assert "还没有连上学员" in client.get(f"/classes/{c001.id}/enroll").text
    assert client.post(f"/classes/{c001.id}/enroll", data={"learner_id": mother.id}).status_code == 403


def test_others_may_not_use_the_learners_pages(app, client, term):
    le, _acc = learner_account(1, "张秀英")
    _other, other_acc = learner_account(2, "李建国")
    row = enroll(le, section_by_code("C001"), None, today=TODAY)
    db.session.commit()
    teacher = f.account("13800000003", Role.TEACHER, "王老师")
    db.session.commit()
    login(client, other_acc)
    assert client.get(f"/my/classes/{row.id}").status_code == 403
    assert client.post(f"/classes/{section_by_code('C001').id}/enroll", data={"learner_id": le.id}).status_code == 403
    client.post("/logout")
    login(client, teacher)
    assert client.get(f"/classes/{section_by_code('C001').id}/enroll").status_code == 403
    assert client.get("/my/classes").status_code == 403
    assert "我的课程" not in client.get("/classes").text


def test_leaving_asks_first_then_frees_the_seat_for_the_first_waiting(app, client, term):
    c003 = section_by_code("C003")
    c003.seats = 1
    db.session.commit()
    le, acc = learner_account()
    mine = enroll(le, c003, None, today=TODAY)
    waiting = enroll(learner(5, name="李建国"), c003, None, today=TODAY)
    db.session.commit()
    assert counts(c003) == (1, 1, 1)
    login(client, acc)
    listing = client.get("/my/classes").text
    assert "老少同乐书法" in listing and "状态：已报上" in listing
    assert f"/my/classes/{mine.id}" in listing and f"/my/classes/{mine.id}/withdraw" in listing
    ask = client.get(f"/my/classes/{mine.id}/withdraw").text
    assert "退出老少同乐书法？" in ask and "确认退出" in ask and "不退了，返回" in ask
    assert counts(c003) == (1, 1, 1)                       # asking changes nothing
    done = client.post(f"/my/classes/{mine.id}/withdraw")
    assert done.status_code == 303 and done.headers["Location"] == "/my/classes"
    assert counts(c003) == (1, 1, 0)                       # the seat went to the one waiting
    db.session.expire_all()
    assert db.session.get(Enrollment, waiting.id).status == EnrollmentStatus.ENROLLED
    after = client.get("/my/classes").text
    assert "张秀英已退出老少同乐书法。" in after and "已退出：" in after and "这学期还没有报课。" in after
    assert "已退出这门课" in client.get(f"/my/classes/{mine.id}").text
    assert client.post(f"/my/classes/{mine.id}/withdraw").status_code == 303   # twice: nothing more changes
    assert counts(c003) == (1, 1, 0)


def test_the_learners_pages_speak_english_too(app, client, term):
    _le, acc = learner_account()
    login(client, acc)
    c001 = section_by_code("C001")
    page = client.get(f"/classes/{c001.id}/enroll?lang=en").text
    assert "Enroll in 书法入门?" in page and "25 seats left" in page and "Mon 1 Mar 2027 to Wed 30 Jun 2027" in page


def test_a_closed_enrollment_window_is_said_with_the_date_as_learners_read_it(app, client, term):
    from datetime import date

    _le, acc = learner_account()
    term.enrollment_opens, term.enrollment_closes = date(2026, 1, 5), date(2026, 2, 3)
    db.session.commit()
    login(client, acc)
    response = client.post(f"/classes/{section_by_code('C001').id}/enroll")
    assert response.status_code == 422
    assert "2027年春季学期 的报名已于 2026年2月3日 周二 截止。" in response.text


def test_a_seat_from_the_waitlist_is_announced_on_home_and_my_courses_until_got_it(app, client, term):
    from college.enrollment.operations import withdraw

    c003 = section_by_code("C003")
    c003.seats = 1
    db.session.commit()
    first = enroll(learner(5, name="李建国"), c003, None, today=TODAY)
    le, acc = learner_account()
    waiting = enroll(le, c003, None, today=TODAY)
    db.session.commit()
    login(client, acc)
    assert "好消息" not in client.get("/").text            # waiting is no news
    assert "状态：候补第 1 位" in client.get("/my/classes").text

    withdraw(first, None)                                   # the office takes 李建国 off the class
    db.session.commit()
    home = client.get("/").text
    assert "好消息：张秀英有名额了" in home
    assert f"{c003.course.name}（C003）的候补名单上" in home and "报名已确认" in home
    assert f"/my/classes/{waiting.id}/seen" in home and "知道了" in home
    mine = client.get("/my/classes").text
    assert "好消息：张秀英有名额了" in mine and "状态：已报上（候补转正式）" in mine
    slip = client.get(f"/my/classes/{waiting.id}").text
    assert "张秀英原来在候补名单上" in slip and "转为正式报名" in slip

    response = client.post(f"/my/classes/{waiting.id}/seen", data={"back": "home"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "好消息" not in client.get("/").text and "好消息" not in client.get("/my/classes").text
    assert "状态：已报上（候补转正式）" in client.get("/my/classes").text   # the card still says how


def test_only_someone_who_acts_for_the_learner_may_say_got_it(app, client, term):
    from college.enrollment.operations import withdraw

    c003 = section_by_code("C003")
    c003.seats = 1
    db.session.commit()
    first = enroll(learner(5, name="李建国"), c003, None, today=TODAY)
    waiting = enroll(learner(6, name="王桂兰"), c003, None, today=TODAY)
    withdraw(first, None)
    db.session.commit()
    family = proxy_for(db.session.get(Enrollment, waiting.id).learner)
    db.session.commit()
    _le, stranger = learner_account()
    login(client, stranger)
    assert "好消息" not in client.get("/").text
    assert client.post(f"/my/classes/{waiting.id}/seen").status_code == 403
    client = app.test_client()
    login(client, family)
    assert "好消息：王桂兰有名额了" in client.get("/my/classes").text
    response = client.post(f"/my/classes/{waiting.id}/seen", data={"back": "my_classes"})
    assert response.status_code == 303 and response.headers["Location"] == "/my/classes"
    db.session.expire_all()
    assert db.session.get(Enrollment, waiting.id).promotion_seen_at is not None


def test_the_home_page_says_when_and_where_the_next_class_is(app, client, term):
    from datetime import date

    from college.calendar.operations import cancel_session

    le, acc = learner_account()
    login(client, acc)
    assert "还没有要上的课" in client.get("/").text
    enroll(le, section_by_code("C001"), None, today=TODAY)
    db.session.commit()
    home = client.get("/").text
    assert "您的下一次课" in home and "2027年3月1日" in home and "08:30–10:00" in home
    assert "书法入门（C001）" in home and "王老师" in home and "书画室" in home

    cancel_session(section_by_code("C001"), 0, date(2027, 3, 1), "王老师请假", f.account("13800000009"))
    db.session.commit()
    home = client.get("/").text
    assert "2027年3月3日" in home and "2027年3月1日" not in home       # the cancelled one is skipped

    family = proxy_for(db.session.get(type(le), le.id), phone="13600000008")
    db.session.commit()
    other = app.test_client()
    login(other, family)
    assert "张秀英的下一次课" in other.get("/").text


def test_a_learner_is_told_when_a_substitute_takes_the_next_class(app, client, term):
    from datetime import date

    from college.calendar.operations import substitute_session
    from college.models import Teacher

    le, acc = learner_account()
    enrollment = enroll(le, section_by_code("C001"), None, today=TODAY)
    c001 = section_by_code("C001")
    zhao = Teacher(code="T03", name="赵老师", subjects=[c001.course.subject], available=["mon:am1"])
    db.session.add(zhao)
    substitute_session(c001, 0, date(2027, 3, 1), zhao, "王老师生病", f.account("13800000009"))
    db.session.commit()
    login(client, acc)
    home = client.get("/").text
    assert "2027年3月1日" in home and "赵老师 代王老师上课：王老师生病" in home
    slip = client.get(f"/my/classes/{enrollment.id}").text
    assert "代课老师：赵老师" in slip


def test_a_class_drawn_by_lot_asks_for_a_seat_and_says_when_the_draw_is(app, client, term):
    """Before the draw the learner asks (no seat yet: nobody gains by being first), the slip and "My courses"
    say the draw day; the office draws on its page; the winner is told, the others see their place in line."""
    from datetime import date

    from sqlalchemy import select

    term.lottery_on = date.today()
    db.session.commit()
    le, acc = learner_account()
    login(client, acc)
    c001 = section_by_code("C001")
    page = client.get(f"/classes/{c001.id}/enroll").text
    assert "抽签决定：早报晚报机会一样，不用抢" in page and "确认报名（参加抽签）" in page
    slip = client.get(f"/my/classes/{slip_id(client.post(f'/classes/{c001.id}/enroll', data={}))}").text
    assert "已登记抽签" in slip and "在所有报名的人中抽签分配名额" in slip
    assert "状态：等待" in client.get("/my/classes").text
    assert counts(c001)[0] == 0
    for n in range(3):
        enroll(learner(n + 10), c001, None, today=TODAY)
    c001.seats = 2
    db.session.commit()

    admin = f.account("13800000009")
    db.session.commit()
    office = app.test_client()
    login(office, admin)
    draw_page = office.get(f"/admin/terms/{term.id}/draw").text
    assert "名额抽签" in draw_page and "报名多于名额：抽签决定" in draw_page and "现在抽签" in draw_page
    terms_page = office.get("/admin/terms/").text
    assert f"/admin/terms/{term.id}/draw" in terms_page and "抽签 " in terms_page
    done = office.post(f"/admin/terms/{term.id}/draw", follow_redirects=True).text
    assert "抽签完成：2 位学员得到名额，2 位按抽签顺序候补。" in done and "随机种子" in done
    assert office.post(f"/admin/terms/{term.id}/draw", follow_redirects=True).text.count("已经抽过签了") == 1

    db.session.expire_all()
    mine = db.session.scalars(select(Enrollment).where(Enrollment.learner_id == le.id)).one()
    home = client.get("/").text
    slip = client.get(f"/my/classes/{mine.id}").text
    if mine.status == EnrollmentStatus.ENROLLED:
        assert "好消息" in home and "抽签中抽中了" in home
        assert f"抽签中签（签号 {mine.draw_rank}）" in slip
    else:
        assert "好消息" not in home and f"这次没有抽中（签号 {mine.draw_rank}）" in slip
