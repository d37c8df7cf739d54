"""Build (or rebuild) the demo district in one transaction, seeded so every load is the same.

Speed: records are added straight through the models in bulk (one audit entry sums the load
up), and the thousands of demo accounts share ONE password hash computed once: werkzeug's
scrypt takes ~50 ms a hash, so hashing 5,000 passwords would take minutes. The four logins
printed at the end get their own hashes. This is demo data; never do this with real accounts.
The enrollments (college/demo/enrollments.py) go in with one bulk INSERT and one counter UPDATE.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from college.audit.operations import log_change
from college.auth.models import hash_password
from college.demo import district as d
from college.demo.enrollments import enroll_demo
from college.extensions import db
from college.models import (
    Account,
    Area,
    AreaLevel,
    CalendarDay,
    ChildrenGroup,
    Course,
    DayKind,
    Enrollment,
    Gender,
    Learner,
    MeetingAssignment,
    Period,
    ProxyLink,
    ProxyRelation,
    Role,
    Room,
    Section,
    SectionStatus,
    Site,
    SiteClosure,
    Subject,
    Teacher,
    TeacherKind,
    Term,
    TimetableVersion,
    children_group_sites,
    coordinator_sites,
    section_sites,
    teacher_subjects,
)

SEED = 2027
LEARNERS = 5000
PROFESSIONALS = 72
VOLUNTEERS = 44
CHILDREN_GROUPS = 12
SHARED_PASSWORD = "demo-2027"
LOGINS = {Role.ADMIN: ("10000000001", "demo-admin-2027"),
          Role.COORDINATOR: ("10000000002", "demo-coord-2027"),
          Role.TEACHER: (None, "demo-teacher-2027"),
          Role.LEARNER: (None, "demo-learner-2027"),
          Role.GROUP: ("10000000003", "demo-group-2027")}


class DemoError(Exception):
    """The demo cannot be (re)loaded, e.g. because other records depend on the old demo."""


@dataclass
class Login:
    """One printed login."""

    role: Role
    phone: str
    password: str
    name: str
    note: str = ""


@dataclass
class DemoResult:
    """The printed logins, and whether an earlier demo was replaced."""

    logins: list[Login] = field(default_factory=list)
    replaced: bool = False


def _phone(kind: int, number: int) -> str:
    """A clearly fictional 11-digit number: 100, one digit for the kind, 7 digits."""
    return f"{d.PHONE_PREFIX}{kind}{number:07d}"


def _demo_phone_pattern() -> str:
    return d.PHONE_PREFIX + "%"


# -- removing an earlier demo ----------------------------------------------------------------

def remove_demo() -> bool:
    """Delete an earlier demo district (True if there was one); refuse when others depend on it."""
    root = db.session.scalar(sa.select(Area).where(
        Area.name == d.DISTRICT, Area.parent_id.is_(None), Area.level == AreaLevel.DISTRICT))
    term = db.session.scalar(sa.select(Term).where(Term.name == d.TERM_NAME))
    if root is None and term is None:
        return False
    ex = db.session.execute
    demo_accounts = sa.select(Account.id).where(Account.phone.like(_demo_phone_pattern()))
    demo_learners = sa.select(Learner.id).where(Learner.phone.like(_demo_phone_pattern()))
    site_ids = sa.select(Site.id).where(Site.code.like("QL%"))
    # Enrollments first: they point at the demo's sections and learners (and at its accounts).
    enrollment_filter = Enrollment.learner_id.in_(demo_learners)
    if term is not None:
        enrollment_filter = sa.or_(enrollment_filter, Enrollment.section_id.in_(
            sa.select(Section.id).where(Section.term_id == term.id)))
    ex(sa.delete(Enrollment).where(enrollment_filter))
    ex(sa.delete(ProxyLink).where(sa.or_(ProxyLink.proxy_account_id.in_(demo_accounts),
                                         ProxyLink.learner_id.in_(demo_learners))))
    ex(sa.delete(coordinator_sites).where(coordinator_sites.c.account_id.in_(demo_accounts)))
    ex(sa.delete(Account).where(Account.phone.like(_demo_phone_pattern())))
    ex(sa.delete(Learner).where(Learner.phone.like(_demo_phone_pattern())))
    if term is not None:
        version_ids = sa.select(TimetableVersion.id).where(TimetableVersion.term_id == term.id)
        ex(sa.delete(MeetingAssignment).where(MeetingAssignment.version_id.in_(version_ids)))
        ex(sa.delete(TimetableVersion).where(TimetableVersion.term_id == term.id))
        section_ids = sa.select(Section.id).where(Section.term_id == term.id)
        ex(sa.delete(section_sites).where(section_sites.c.section_id.in_(section_ids)))
        ex(sa.delete(Section).where(Section.term_id == term.id))
        ex(sa.delete(CalendarDay).where(CalendarDay.term_id == term.id))
        ex(sa.delete(Period).where(Period.term_id == term.id))
        ex(sa.delete(Term).where(Term.id == term.id))
    group_ids = sa.select(ChildrenGroup.id).where(ChildrenGroup.code.like("QLG%"))
    ex(sa.delete(children_group_sites).where(children_group_sites.c.children_group_id.in_(group_ids)))
    ex(sa.delete(ChildrenGroup).where(ChildrenGroup.code.like("QLG%")))
    teacher_ids = sa.select(Teacher.id).where(Teacher.code.like("QLT%"))
    ex(sa.delete(teacher_subjects).where(teacher_subjects.c.teacher_id.in_(teacher_ids)))
    ex(sa.delete(Teacher).where(Teacher.code.like("QLT%")))
    ex(sa.update(Course).where(Course.code.like("QLK%")).values(prerequisite_id=None))
    ex(sa.delete(Course).where(Course.code.like("QLK%")))
    ex(sa.delete(Subject).where(Subject.code.in_([code for code, _, _ in d.SUBJECTS])))
    ex(sa.delete(SiteClosure).where(SiteClosure.site_id.in_(site_ids)))
    ex(sa.delete(Room).where(Room.site_id.in_(site_ids)))
    ex(sa.delete(Site).where(Site.code.like("QL%")))
    if root is not None:
        _delete_area_tree(root.id)
    db.session.expire_all()
    return True


def _delete_area_tree(root_id: int) -> None:
    levels, frontier = [[root_id]], [root_id]
    while frontier:
        frontier = list(db.session.scalars(sa.select(Area.id).where(Area.parent_id.in_(frontier))))
        if frontier:
            levels.append(frontier)
    for ids in reversed(levels):
        db.session.execute(sa.delete(Area).where(Area.id.in_(ids)))


# -- building ---------------------------------------------------------------------------------

class Builder:
    """Builds the district step by step with one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names_used: set[str] = set()
        self.sites: list[Site] = []
        self.subdistrict_of: dict[int, str] = {}   # id(site) → subdistrict name
        self.communities: list[Area] = []

    # names and places
    def person(self, gender: Gender | None = None) -> tuple[str, Gender]:
        """A fictional Chinese name (surname + given name) and its gender."""
        gender = gender or self.rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE])
        given = d.GIVEN_FEMALE if gender == Gender.FEMALE else d.GIVEN_MALE
        return self.rng.choice(d.SURNAMES) + self.rng.choice(given), gender

    def near(self, lat: float, lon: float, km: float) -> tuple[float, float]:
        """A random point within km of (lat, lon)."""
        angle, dist = self.rng.uniform(0, 2 * math.pi), km * math.sqrt(self.rng.random())
        return (round(lat + dist * math.sin(angle) / 111.0, 5),
                round(lon + dist * math.cos(angle) / (111.0 * math.cos(math.radians(lat))), 5))

    def places(self) -> None:
        """The area tree, the 84 sites with their rooms, and a few closures."""
        rng = self.rng
        root = Area(name=d.DISTRICT, level=AreaLevel.DISTRICT)
        campus = Site(code="QL001", name="麒麟区老年大学（校本部）", area=root, address="麒麟区南宁北路88号",
                      latitude=d.CENTRE[0], longitude=d.CENTRE[1], child_safe=True, step_free=True,
                      contact_phone=_phone(0, 100))
        campus.rooms = [Room(name=name, seats=seats, features=list(feats))
                        for name, seats, feats in d.CAMPUS_ROOMS]
        self.sites.append(campus)
        self.subdistrict_of[id(campus)] = ""
        number = 2
        community_sites = []
        for i, (sub_name, communities) in enumerate(d.SUBDISTRICTS.items()):
            angle = 2 * math.pi * i / len(d.SUBDISTRICTS)
            radius = 2.5 + (i % 2) * 1.5   # km from the centre
            lat = d.CENTRE[0] + radius * math.sin(angle) / 111.0
            lon = d.CENTRE[1] + radius * math.cos(angle) / (111.0 * math.cos(math.radians(d.CENTRE[0])))
            sub = Area(name=sub_name, level=AreaLevel.SUBDISTRICT, parent=root)
            point = Site(code=f"QL{number:03d}", name=f"{sub_name}银发先锋之家", area=sub,
                         address=f"{d.DISTRICT}{sub_name}党群服务中心", latitude=round(lat, 5),
                         longitude=round(lon, 5), child_safe=True, step_free=True,
                         contact_phone=_phone(0, 100 + number))
            point.rooms = [Room(name=name, seats=seats, features=list(feats))
                           for name, seats, feats in d.SUBDISTRICT_ROOMS]
            self.sites.append(point)
            self.subdistrict_of[id(point)] = sub_name
            number += 1
            for j, stem in enumerate(communities):
                community = Area(name=f"{stem}社区", level=AreaLevel.COMMUNITY, parent=sub)
                self.communities.append(community)
                for group in d.GROUPS.get(stem, []):
                    Area(name=group, level=AreaLevel.GROUP, parent=community)
                clat, clon = self.near(lat, lon, 1.6)
                centre = j < d.CENTRES_PER_SUBDISTRICT
                site = Site(name=f"{stem}社区银发先锋之家", area=community,
                            address=f"{sub_name}{stem}社区{'党群服务中心' if centre else '居委会'}",
                            latitude=clat, longitude=clon, step_free=rng.random() < 0.85,
                            child_safe=rng.random() < 0.3, contact_phone="")
                site.rooms = self.community_rooms(centre, site.step_free)
                community_sites.append((centre, site, sub_name))
        # Codes: the 16 community centres first, then the 59 community points.
        for _centre, site, sub_name in sorted(community_sites, key=lambda item: not item[0]):
            site.code = f"QL{number:03d}"
            site.contact_phone = _phone(0, 100 + number)
            self.sites.append(site)
            self.subdistrict_of[id(site)] = sub_name
            number += 1
        db.session.add(root)
        db.session.add_all(self.sites)
        by_stem = {s.name.removesuffix("社区银发先锋之家"): s for s in self.sites}
        by_stem.update({s.name.removesuffix("银发先锋之家"): s for s in self.sites})
        for stem, first, last, reason in d.CLOSURES:
            by_stem[stem].closures.append(SiteClosure(first_day=first, last_day=last, reason=reason))

    def community_rooms(self, centre: bool, step_free: bool) -> list[Room]:
        """Rooms of a community centre (3-4) or a community point (1-3)."""
        rng = self.rng
        extra = ["step_free"] if step_free else []
        if centre:
            rooms = [Room(name="多功能活动室", seats=rng.choice([40, 45, 50]),
                          features=["desks", "piano"] + extra),
                     Room(name="舞蹈室", seats=rng.choice([30, 35]), features=["dance_floor"] + extra),
                     Room(name="书画室", seats=rng.choice([24, 28, 30]), features=["desks"] + extra)]
            if rng.random() < 0.5:
                rooms.append(Room(name="老年食堂", seats=16, features=["kitchen"] + extra))
            return rooms
        main = ["desks"] + (["piano"] if rng.random() < 0.35 else []) \
            + (["dance_floor"] if rng.random() < 0.4 else []) + extra
        rooms = [Room(name="银发先锋活动室", seats=rng.choice([24, 28, 30, 36]), features=main)]
        if rng.random() < 0.55:
            rooms.append(Room(name="阅览室", seats=rng.choice([16, 18, 20]), features=["desks"] + extra))
        if rng.random() < 0.12:
            rooms.append(Room(name="社区厨房", seats=12, features=["kitchen"] + extra))
        return rooms

    def term(self) -> Term:
        """The spring term 2027 with its period grid, holidays and make-up days."""
        term = Term(name=d.TERM_NAME, **d.TERM)
        term.periods = [Period(code=c, start=s, end=e, penalty=p) for c, s, e, p in d.PERIODS]
        term.calendar_days = (
            [CalendarDay(day=day, kind=DayKind.HOLIDAY, name=name) for day, name in d.HOLIDAYS]
            + [CalendarDay(day=day, kind=DayKind.MAKEUP, name=name, works_as=works_as)
               for day, name, works_as in d.MAKEUP_DAYS])
        db.session.add(term)
        return term

    def catalogue(self) -> tuple[dict[str, Subject], list[Course], list[Course]]:
        """Subjects, their courses by level (with prerequisites), and the intergenerational courses."""
        subjects = {code: Subject(code=code, name=name) for code, name, _ in d.SUBJECTS}
        courses, number = [], 1

        def add(subject_code, name, level, feats, seats, meetings, fee, **kw) -> Course:
            nonlocal number
            course = Course(code=f"QLK{number:03d}", subject=subjects[subject_code], name=name,
                            level=level, features=list(feats), seats=seats, meetings_per_week=meetings,
                            minutes=90, fee=Decimal(fee), **kw)
            number += 1
            return course

        for code, _name, _ in d.SUBJECTS:
            stem, feats, seats, meetings, fee = d.COURSE_PLANS[code]
            levels = d.LEVELS if code in d.THREE_LEVELS else d.LEVELS[:2]
            previous = None
            for level, suffix in levels:
                course = add(code, f"{stem}{suffix}", level, feats, seats, meetings, fee,
                             min_age=50, prerequisite=previous,
                             description=f"{stem}{suffix}：由区老年大学统一招生、统一教学。")
                courses.append(course)
                previous = course
        for code, name, feats, seats, meetings, fee, level in d.EXTRA_COURSES:
            courses.append(add(code, name, level, feats, seats, meetings, fee, min_age=50))
        intergenerational = [add(code, name, 1, feats, 12, 1, 0, intergenerational=True,
                                 description="老少同乐课：长者与四点半课堂的孩子一起上课。")
                             for code, name, feats in d.INTERGENERATIONAL]
        db.session.add_all(subjects.values())
        db.session.add_all(courses + intergenerational)
        return subjects, courses, intergenerational

    def teachers(self, subjects: dict[str, Subject]) -> list[Teacher]:
        """Dispatched professionals and volunteers, with subjects, availability and caps."""
        rng = self.rng
        codes = [code for code, _, _ in d.SUBJECTS]
        child_subjects = {code for code, _, _ in d.INTERGENERATIONAL}
        teachers, total = [], PROFESSIONALS + VOLUNTEERS
        # Primary subjects in proportion to the weekly meetings the sections will need (≥ 4 each).
        demand = {code: w * d.COURSE_PLANS[code][3] for code, _, w in d.SUBJECTS}
        primaries = [code for code in codes
                     for _ in range(max(4, round(total * demand[code] / sum(demand.values()))))]
        primaries = (primaries + codes * 2)[:total]
        rng.shuffle(primaries)
        for i in range(total):
            volunteer = i >= PROFESSIONALS
            primary = primaries[i]
            taught = [primary]
            if rng.random() < 0.4:
                taught.append(rng.choice(codes))
            cleared = primary in child_subjects and (volunteer or i % 2 == 0)
            name, _ = self.person()
            if volunteer:
                days = rng.sample(d.DAYS, rng.randint(2, 4))
                periods = rng.sample(["am1", "am2", "pm1"], 2)
                max_meetings, max_sites = rng.randint(3, 6), 1
            else:
                days = d.WEEKDAYS + (["sat"] if rng.random() < 0.4 else [])
                periods = rng.sample(["am1", "am2", "pm1", "pm2"], 3)
                max_meetings, max_sites = rng.randint(8, 12), 2
            available = {f"{day}:{p}" for day in days for p in periods}
            if cleared:   # children are free after 16:30 on weekdays and at weekends
                available |= {f"{day}:pm2" for day in d.WEEKDAYS}
                available |= {f"{day}:{p}" for day in ("sat", "sun") for p in ("am2", "pm1")}
            ordered = [s for s in (f"{day}:{p}" for day in d.DAYS for p in ("am1", "am2", "pm1", "pm2"))
                       if s in available]
            preferred = [s for s in ordered if s.endswith(("am1", "am2"))][:4]
            teachers.append(Teacher(
                code=f"QLT{i + 1:03d}", name=name,
                kind=TeacherKind.VOLUNTEER if volunteer else TeacherKind.PROFESSIONAL,
                phone=_phone(1, i + 1), available=ordered, preferred=preferred,
                max_meetings=max_meetings, max_sites_per_day=max_sites, intergenerational=cleared,
                subjects=[subjects[c] for c in dict.fromkeys(taught)],
                email="" if volunteer else f"t{i + 1:03d}@demo.invalid"))
        db.session.add_all(teachers)
        return teachers

    # sections
    def suitable_seats(self, site: Site, course: Course, extra: int = 0) -> int:
        """Seats of the biggest room at site with every feature course needs (0: none)."""
        need = set(course.features)
        best = max((r.seats for r in site.rooms if need <= set(r.features)), default=0)
        return best - extra

    def nearest(self, site: Site, pool: list[Site], count: int) -> list[Site]:
        """The count sites of pool nearest to site (site itself excluded)."""
        def dist(other: Site) -> float:
            return (other.latitude - site.latitude) ** 2 + (other.longitude - site.longitude) ** 2
        return sorted((s for s in pool if s is not site), key=dist)[:count]

    def sections(self, term: Term, courses: list[Course], teachers: list[Teacher]) -> list[Section]:
        """Sections at every site; candidate sites are nearby sites with a room that fits."""
        rng = self.rng
        weights = {code: w for code, _, w in d.SUBJECTS}
        fixed_load: dict[int, int] = {}
        sections: list[Section] = []
        for index, site in enumerate(self.sites):
            if index == 0:
                count = 40
            elif index <= 8:
                count = 12
            elif site.code <= "QL025":
                count = 6
            else:
                count = 3
            sub = self.subdistrict_of[id(site)]
            neighbours = [s for s in self.sites if self.subdistrict_of[id(s)] == sub] if sub else []
            fitting = [c for c in courses if self.suitable_seats(site, c) >= 12]
            for _ in range(count):
                course = rng.choices(fitting, weights=[weights[c.subject.code] / c.level for c in fitting])[0]
                candidates = [site] + [s for s in self.nearest(site, neighbours, 4)
                                       if self.suitable_seats(s, course) >= 12][:rng.randint(0, 2)]
                seats = min([course.seats] + [self.suitable_seats(s, course) for s in candidates])
                section = Section(code=f"QLS{len(sections) + 1:04d}", term=term, course=course,
                                  seats=seats, status=SectionStatus.OPEN, sites=candidates,
                                  min_days_apart=2 if course.meetings_per_week > 1 else 1)
                if rng.random() < 0.1:
                    section.teacher = self.fixed_teacher(course, teachers, fixed_load)
                sections.append(section)
        return sections

    def fixed_teacher(self, course: Course, teachers: list[Teacher], load: dict[int, int]) -> Teacher | None:
        """A qualified teacher with room left for one more fixed section, or None."""
        fits = [t for t in teachers if course.subject in t.subjects
                and load.get(id(t), 0) + course.meetings_per_week <= (t.max_meetings or 0) // 2]
        if not fits:
            return None
        teacher = self.rng.choice(fits)
        load[id(teacher)] = load.get(id(teacher), 0) + course.meetings_per_week
        return teacher

    def children_groups(self, term: Term, intergenerational: list[Course],
                        sections: list[Section]) -> list[ChildrenGroup]:
        """Half-past-four classrooms, each with one or two intergenerational sections."""
        rng = self.rng
        free = [f"{day}:pm2" for day in d.WEEKDAYS] + [
            f"{day}:{p}" for day in ("sat", "sun") for p in ("am1", "am2", "pm1", "pm2")]
        community_sites = self.sites[9:]
        homes = [s for s in community_sites if s.name.startswith("鼓楼")]
        homes += rng.sample([s for s in community_sites if s not in homes], CHILDREN_GROUPS - 1)
        groups = []
        for number, home in enumerate(homes, start=1):
            home.child_safe = True
            hall = next((r for r in home.rooms if "desks" in r.features), None)
            if hall is None or hall.seats < 40:   # the home hosts the classroom: room for all
                hall = hall or Room(name="银发先锋活动室", features=["desks"])
                if hall not in home.rooms:
                    home.rooms.append(hall)
                hall.seats = 40
            sub = self.subdistrict_of[id(home)]
            safe = [s for s in self.sites if s.child_safe and self.subdistrict_of[id(s)] in (sub, "")]
            reach = [home] + self.nearest(home, safe, 2)
            stem = home.name.removesuffix("银发先锋之家")
            coordinator, _ = self.person()
            group = ChildrenGroup(
                code=f"QLG{number:02d}", name="四点半课堂", organisation=f"{stem}",
                coordinator_name=coordinator, coordinator_phone=_phone(4, number),
                size=rng.randint(10, 20), min_age=6, max_age=12, available=free, sites=reach)
            groups.append(group)
            for course in rng.sample(intergenerational, rng.choice([1, 2])):
                where = [s for s in reach if self.suitable_seats(s, course, group.size) >= course.seats]
                if not where:
                    continue
                sections.append(Section(
                    code=f"QLS{len(sections) + 1:04d}", term=term, course=course, seats=course.seats,
                    status=SectionStatus.OPEN, sites=where, children_group=group))
        db.session.add_all(groups)
        return groups

    # people
    def learners(self) -> list[Learner]:
        """LEARNERS elders aged 55-85 living in the district's communities."""
        rng = self.rng
        learners = []
        for i in range(LEARNERS):
            name, gender = self.person()
            born = date(1942, 1, 1) + timedelta(days=rng.randint(0, 30 * 365))
            relative, _ = self.person()
            learners.append(Learner(
                name=name, phone=_phone(2, i + 1), birth_date=born, gender=gender,
                home_area=rng.choice(self.communities),
                emergency_name=f"{relative}（家属）", emergency_phone=_phone(5, i + 1)))
        db.session.add_all(learners)
        return learners


def load_demo() -> DemoResult:
    """Replace any earlier demo district with a freshly built one; the caller commits."""
    rng = random.Random(SEED)
    result = DemoResult(replaced=remove_demo())
    b = Builder(rng)
    b.places()
    term = b.term()
    subjects, courses, intergenerational = b.catalogue()
    teachers = b.teachers(subjects)
    sections = b.sections(term, courses, teachers)
    groups = b.children_groups(term, intergenerational, sections)
    db.session.add_all(sections)
    learners = b.learners()
    db.session.flush()

    shared_hash = hash_password(SHARED_PASSWORD)   # once, for every other demo account
    accounts = [Account(phone=learner.phone, display_name=learner.name, role=Role.LEARNER,
                        learner_id=learner.id, password_hash=shared_hash) for learner in learners]
    accounts += [Account(phone=teacher.phone, display_name=teacher.name, role=Role.TEACHER,
                         teacher_id=teacher.id, password_hash=shared_hash) for teacher in teachers]
    admin_name, _ = b.person()
    admin = Account(phone=LOGINS[Role.ADMIN][0], display_name=f"{admin_name}（教务）", role=Role.ADMIN)
    coordinator_name, _ = b.person()
    coordinator = Account(phone=LOGINS[Role.COORDINATOR][0], display_name=coordinator_name,
                          role=Role.COORDINATOR, sites=[s for s in b.sites if s.area.parent
                                                        and "南宁街道" in (s.area.name, s.area.parent.name)][:3])
    accounts += [admin, coordinator]
    proxies, links = _proxies(b, learners, shared_hash)
    accounts += proxies
    # Gulou community's half-past-four classroom, the article's example, keeps its group itself.
    organiser = Account(phone=LOGINS[Role.GROUP][0], display_name=groups[0].coordinator_name, role=Role.GROUP,
                        children_group=groups[0])
    accounts.append(organiser)
    db.session.add_all(accounts)

    teacher_account, learner_account = accounts[LEARNERS], accounts[0]
    for role, account in ((Role.ADMIN, admin), (Role.COORDINATOR, coordinator),
                          (Role.TEACHER, teacher_account), (Role.LEARNER, learner_account), (Role.GROUP, organiser)):
        password = LOGINS[role][1]
        account.set_password(password)   # the printed logins get their own real hashes
        note = "、".join(s.name for s in account.sites) if role == Role.COORDINATOR else ""
        if role == Role.GROUP:
            note = f"{groups[0].organisation}{groups[0].name}"
        result.logins.append(Login(role, account.phone, password, account.display_name, note))
    db.session.flush()
    db.session.add_all(links)
    db.session.flush()
    enroll_demo(random.Random(SEED + 1), term, sections, learners, accounts, links, admin, b.subdistrict_of)
    db.session.flush()

    from college.cli import count_records

    counts = count_records()
    log_change(None, "import", "demo", None,
               f"{d.DISTRICT}示范数据（种子 {SEED}）{'重新' if result.replaced else ''}载入",
               {k: counts[k] for k in ("sites", "rooms", "teachers", "courses", "sections",
                                       "children_groups", "learners", "accounts", "proxy_links",
                                       "enrollments")})
    db.session.flush()
    return result


def _proxies(b: Builder, learners: list[Learner], shared_hash: str) -> tuple[list[Account], list[ProxyLink]]:
    """Family members (1-2 elders each) and community workers (3-6 elders of their community)."""
    rng = b.rng
    accounts, links = [], []
    consent_base = datetime(2027, 2, 10, 9, 0)
    by_area: dict[int, list[Learner]] = {}
    for learner in learners:
        by_area.setdefault(id(learner.home_area), []).append(learner)
    for i in range(50):
        name, _ = b.person()
        proxy = Account(phone=_phone(3, i + 1), display_name=f"{name}（家属）", role=Role.PROXY,
                        password_hash=shared_hash)
        accounts.append(proxy)
        for learner in rng.sample(learners, rng.choice([1, 1, 2])):
            links.append(ProxyLink(proxy=proxy, learner=learner, relation=ProxyRelation.FAMILY,
                                   consent_at=consent_base + timedelta(hours=rng.randint(0, 200)),
                                   consent_note="本人书面同意由子女代为报名"))
    for i, community in enumerate(rng.sample(b.communities, 30)):
        name, _ = b.person()
        relation = rng.choice([ProxyRelation.COMMUNITY_WORKER, ProxyRelation.GRID_WORKER])
        title = "网格员" if relation == ProxyRelation.GRID_WORKER else "社区工作人员"
        proxy = Account(phone=_phone(3, 100 + i), display_name=f"{name}（{community.name}{title}）",
                        role=Role.PROXY, password_hash=shared_hash)
        accounts.append(proxy)
        elders = by_area.get(id(community), [])
        for learner in rng.sample(elders, min(len(elders), rng.randint(3, 6))):
            links.append(ProxyLink(proxy=proxy, learner=learner, relation=relation,
                                   consent_at=consent_base + timedelta(hours=rng.randint(0, 200)),
                                   consent_note="本人当面同意，社区居委会见证"))
    return accounts, links
