"""A small term the solver places in a second or two: two sites, three rooms, two teachers, three classes."""

from __future__ import annotations

from college.extensions import db
from college.models import ChildrenGroup, Teacher, Term
from tests.college import factories as f


def small_term(name: str = "2027年春季学期") -> Term:
    """A term with three classes (one intergenerational) that has valid timetables."""
    term = f.term(name)
    calligraphy = f.subject("calligraphy", "书法")
    singing = f.subject("singing", "声乐")
    near = f.site("S01", "鼓楼社区银发先锋之家", latitude=25.490, longitude=103.790, child_safe=True)
    far = f.site("S02", "南宁街道银发先锋之家", latitude=25.520, longitude=103.830)
    f.room(near, "书画室", seats=40, features=["desks"])
    f.room(far, "大教室", seats=60, features=["desks", "piano"])
    f.room(far, "小教室", seats=20)
    wang = Teacher(code="T01", name="王老师", subjects=[calligraphy],
                   available=["mon:am1", "wed:am1", "fri:am1", "fri:pm2"], preferred=["mon:am1"],
                   max_meetings=6, intergenerational=True)
    li = Teacher(code="T02", name="李老师", subjects=[singing], available=["tue:am1", "thu:am1", "sat:am1"])
    db.session.add_all([wang, li])
    writing = f.course(calligraphy, code="K001", seats=25)
    writing.meetings_per_week = 2
    writing.features = ["desks"]
    songs = f.course(singing, code="K002", name="合唱", seats=30)
    songs.meetings_per_week = 2
    group = ChildrenGroup(code="G01", name="四点半课堂", organisation="鼓楼社区", size=5,
                          available=["fri:pm2"], sites=[near])
    db.session.add(group)
    f.section(term, writing, code="C001", seats=25, sites=[near, far])
    f.section(term, songs, code="C002", seats=30, sites=[far])
    together = f.section(term, f.course(calligraphy, code="K003", name="老少同乐书法", seats=10),
                         code="C003", seats=10, sites=[near])
    together.children_group = group
    db.session.flush()
    return term
