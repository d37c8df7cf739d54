"""The ITC-2007 curriculum-based course timetabling (CB-CTT) format: instances and solutions.

An instance file has seven header lines (`Name:`, `Courses:`, `Rooms:`, `Days:`,
`Periods_per_day:`, `Curricula:`, `Constraints:`), then the sections `COURSES:`, `ROOMS:`,
`CURRICULA:`, `UNAVAILABILITY_CONSTRAINTS:` in that order, then `END.`. A solution has one line
per lecture: `<course> <room> <day> <period>`, days and periods counted from 0.

Standard library only: the evaluator and the solver both read instances through this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

__all__ = [
    "CttError",
    "Course",
    "Curriculum",
    "Instance",
    "Lecture",
    "Room",
    "Unavailability",
    "read_ctt",
    "read_solution",
    "write_solution",
]

HEADER_KEYS = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula", "Constraints")
SECTIONS = ("COURSES:", "ROOMS:", "CURRICULA:", "UNAVAILABILITY_CONSTRAINTS:")
# Which header count each section must match.
SECTION_COUNT = {
    "COURSES:": "Courses",
    "ROOMS:": "Rooms",
    "CURRICULA:": "Curricula",
    "UNAVAILABILITY_CONSTRAINTS:": "Constraints",
}
_NATURAL = re.compile(r"[0-9]+")
_INTEGER = re.compile(r"-?[0-9]+")
_SECTION_LIKE = re.compile(r"[A-Z_]+:")
_UNKNOWN = "?"


class CttError(ValueError):
    """A malformed instance or solution text; `problems` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Course:
    id: str
    teacher: str
    lectures: int
    min_working_days: int
    students: int


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass(frozen=True)
class Curriculum:
    id: str
    courses: tuple[str, ...]


@dataclass(frozen=True)
class Unavailability:
    """No lecture of `course` may be given at (`day`, `period`)."""

    course: str
    day: int
    period: int


@dataclass(frozen=True)
class Instance:
    """One CB-CTT instance, in file order. Equality ignores the derived lookups."""

    name: str
    days: int
    periods_per_day: int
    courses: tuple[Course, ...]
    rooms: tuple[Room, ...]
    curricula: tuple[Curriculum, ...]
    unavailabilities: tuple[Unavailability, ...] = field(default=())

    @property
    def periods(self) -> int:
        """Number of periods in the week (days × periods per day)."""
        return self.days * self.periods_per_day

    @property
    def lectures(self) -> int:
        """Number of lectures to schedule."""
        return sum(c.lectures for c in self.courses)

    @cached_property
    def course_by_id(self) -> dict[str, Course]:
        return {c.id: c for c in self.courses}

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def curricula_of(self) -> dict[str, tuple[str, ...]]:
        """Course id → ids of the curricula it belongs to (possibly none)."""
        of: dict[str, list[str]] = {c.id: [] for c in self.courses}
        for q in self.curricula:
            for c in q.courses:
                of[c].append(q.id)
        return {c: tuple(qs) for c, qs in of.items()}

    @cached_property
    def unavailable(self) -> frozenset[tuple[str, int, int]]:
        """The set of forbidden (course, day, period)."""
        return frozenset((u.course, u.day, u.period) for u in self.unavailabilities)


@dataclass(frozen=True, order=True)
class Lecture:
    """One line of a solution: a lecture of `course` in `room` at (`day`, `period`)."""

    course: str
    room: str
    day: int
    period: int


def read_ctt(source: str | Path, *, name: str | None = None) -> Instance:
    """Read an instance from a path or from the text itself.

    A `Path`, or a `str` without a newline, is a file name; a `str` with a newline is the text.
    Refuses, with a `CttError` holding one message per problem and naming the line: malformed
    lines, unknown or repeated header keys, sections out of order or missing, header counts that
    differ from the section lengths, repeated ids, unknown courses in a curriculum or an
    unavailability, a curriculum whose size differs from its list, day or period out of range,
    courses with no lecture, and anything after `END.`. A missing file raises `OSError`.
    """
    if isinstance(source, Path) or "\n" not in source:
        path = Path(source)
        label = name or path.name
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CttError([f"{label}: not UTF-8 text ({exc.reason})"]) from None
    else:
        label = name or "<ctt>"
        text = source
    return _Reader(label, text).read()


class _Reader:
    """One pass over the lines; collects every problem, then raises them all at once."""

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.lines = text.splitlines()
        self.problems: list[str] = []
        self.header: dict[str, tuple[int, str]] = {}  # key -> (line number, value)
        self.courses: list[Course] = []
        self.rooms: list[Room] = []
        self.curricula: list[Curriculum] = []
        self.unavailabilities: list[Unavailability] = []
        self.section_lines: dict[str, int] = {}  # section -> line number of its title
        self.last_section: str | None = None
        self.declared_courses: set[str] = set()  # ids on course lines, malformed ones included
        self.course_ids: set[str] = set()  # ids of the well-formed courses
        self.seen_unavailabilities: set[Unavailability] = set()

    def fail(self, number: int | None, message: str) -> None:
        where = f"{self.label} line {number}" if number is not None else self.label
        self.problems.append(f"{where}: {message}")

    def natural(self, number: int, token: str, what: str) -> int | None:
        if not _NATURAL.fullmatch(token):
            self.fail(number, f"{what} {token!r} is not a non-negative integer")
            return None
        return int(token)

    def read(self) -> Instance:
        section: str | None = None
        ended = False
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if not line:
                continue
            if ended:
                self.fail(number, f"text after END.: {line!r}")
                continue
            if line == "END.":
                ended = True
                continue
            if line in SECTIONS:
                section = self.enter(number, line)
                continue
            if _SECTION_LIKE.fullmatch(line):
                self.fail(number, f"unknown section {line} (expected one of {', '.join(SECTIONS)})")
                section = _UNKNOWN  # its lines are skipped
                continue
            if section is None:
                self.header_line(number, line)
            elif section != _UNKNOWN:
                getattr(self, "line_" + section[:-1].lower())(number, line.split())
        if not ended:
            self.fail(None, "no END. line")
        self.check_counts()
        if self.problems:
            raise CttError(self.problems)
        return Instance(
            name=self.header["Name"][1],
            days=self.number("Days"),
            periods_per_day=self.number("Periods_per_day"),
            courses=tuple(self.courses),
            rooms=tuple(self.rooms),
            curricula=tuple(self.curricula),
            unavailabilities=tuple(self.unavailabilities),
        )

    def number(self, key: str) -> int:
        return int(self.header[key][1])

    def header_value(self, key: str) -> int | None:
        """The header's integer, or None when it is missing or invalid (reported already)."""
        if key not in self.header or not _NATURAL.fullmatch(self.header[key][1]):
            return None
        value = int(self.header[key][1])
        if value == 0 and key in ("Days", "Periods_per_day"):
            return None
        return value

    def enter(self, number: int, title: str) -> str:
        if not self.section_lines:
            for key in HEADER_KEYS:
                if key not in self.header:
                    self.fail(number, f"header {key}: missing before {title}")
        if title in self.section_lines:
            first = self.section_lines[title]
            self.fail(number, f"section {title} repeated (first at line {first})")
            return title
        following = SECTIONS.index(self.last_section) + 1 if self.last_section else 0
        expected = SECTIONS[following] if following < len(SECTIONS) else "END."
        if title != expected:
            self.fail(number, f"section {title} out of order (expected {expected})")
        self.section_lines[title] = number
        self.last_section = title
        return title

    def header_line(self, number: int, line: str) -> None:
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or key not in HEADER_KEYS:
            self.fail(number, f"expected a header line `Key: value` with a key among "
                              f"{', '.join(HEADER_KEYS)}; got {line!r}")
            return
        if key in self.header:
            self.fail(number, f"header {key}: repeated (first at line {self.header[key][0]})")
            return
        self.header[key] = (number, value)
        if key == "Name":
            if not value or len(value.split()) != 1:
                self.fail(number, f"Name: must be one word, got {value!r}")
        elif self.natural(number, value, f"{key}:") is not None and key in (
                "Days", "Periods_per_day") and int(value) == 0:
            self.fail(number, f"{key}: must be at least 1")

    def line_courses(self, number: int, fields: list[str]) -> None:
        repeated = fields[0] in self.declared_courses
        self.declared_courses.add(fields[0])
        if len(fields) != 5:
            self.fail(number, "expected `<course> <teacher> <lectures> <min_working_days> "
                              f"<students>`, got {' '.join(fields)!r}")
            return
        cid, teacher = fields[0], fields[1]
        values = [self.natural(number, tok, what) for tok, what in
                  zip(fields[2:], ("lectures", "min_working_days", "students"), strict=True)]
        if repeated:
            self.fail(number, f"course {cid} repeated")
            return
        if None in values:
            return
        lectures, min_days, students = values
        if lectures == 0:
            self.fail(number, f"course {cid} has 0 lectures")
            return
        self.courses.append(Course(cid, teacher, lectures, min_days, students))
        self.course_ids.add(cid)

    def line_rooms(self, number: int, fields: list[str]) -> None:
        if len(fields) != 2:
            self.fail(number, f"expected `<room> <capacity>`, got {' '.join(fields)!r}")
            return
        rid = fields[0]
        capacity = self.natural(number, fields[1], f"capacity of room {rid}")
        if any(r.id == rid for r in self.rooms):
            self.fail(number, f"room {rid} repeated")
        elif capacity is not None:
            self.rooms.append(Room(rid, capacity))

    def line_curricula(self, number: int, fields: list[str]) -> None:
        if len(fields) < 2:
            self.fail(number, f"expected `<curriculum> <n> <course>...`, got {' '.join(fields)!r}")
            return
        qid, members = fields[0], fields[2:]
        size = self.natural(number, fields[1], f"size of curriculum {qid}")
        ok = size is not None
        if size is not None and size != len(members):
            self.fail(number, f"curriculum {qid} says {size} courses but lists {len(members)}")
            ok = False
        if any(q.id == qid for q in self.curricula):
            self.fail(number, f"curriculum {qid} repeated")
            ok = False
        for cid in dict.fromkeys(members):
            if cid not in self.declared_courses:
                self.fail(number, f"curriculum {qid}: unknown course {cid}")
                ok = False
            if members.count(cid) > 1:
                times = members.count(cid)
                self.fail(number, f"curriculum {qid}: course {cid} listed {times} times")
                ok = False
        if ok and self.course_ids.issuperset(members):
            self.curricula.append(Curriculum(qid, tuple(members)))

    def line_unavailability_constraints(self, number: int, fields: list[str]) -> None:
        if len(fields) != 3:
            self.fail(number, f"expected `<course> <day> <period>`, got {' '.join(fields)!r}")
            return
        cid = fields[0]
        day = self.natural(number, fields[1], "day")
        period = self.natural(number, fields[2], "period")
        ok = day is not None and period is not None
        if cid not in self.declared_courses:
            self.fail(number, f"unavailability of unknown course {cid}")
        ok = ok and cid in self.course_ids
        days, per_day = self.header_value("Days"), self.header_value("Periods_per_day")
        if day is not None and days is not None and day >= days:
            self.fail(number, f"course {cid}: day {day} out of range 0..{days - 1}")
            ok = False
        if period is not None and per_day is not None and period >= per_day:
            self.fail(number, f"course {cid}: period {period} out of range 0..{per_day - 1}")
            ok = False
        if ok:
            entry = Unavailability(cid, day, period)
            if entry in self.seen_unavailabilities:
                self.fail(number, f"unavailability {cid} {day} {period} repeated")
            else:
                self.seen_unavailabilities.add(entry)
                self.unavailabilities.append(entry)

    def check_counts(self) -> None:
        for title in SECTIONS:
            if title not in self.section_lines:
                self.fail(None, f"section {title} missing")
        # Count the section's lines as written, bad ones included, so one bad line
        # gives one message rather than a second one about the count.
        written = self.written_lines()
        for title, key in SECTION_COUNT.items():
            expected = self.header_value(key)
            if expected is None or title not in self.section_lines:
                continue
            if written[title] != expected:
                n = written[title]
                self.fail(self.header[key][0], f"header says {key}: {expected} but section "
                                               f"{title} has {n} line{'s' * (n != 1)}")

    def written_lines(self) -> dict[str, int]:
        counts = dict.fromkeys(SECTIONS, 0)
        section = None
        for raw in self.lines:
            line = raw.strip()
            if line == "END.":
                break
            if _SECTION_LIKE.fullmatch(line):
                section = line
            elif line and section in counts:
                counts[section] += 1
        return counts


def read_solution(text: str, *, name: str = "<solution>") -> list[Lecture]:
    """Read `<course> <room> <day> <period>` lines (blank lines skipped).

    Refuses, with one message per bad line, lines without four fields and days or periods that
    are not integers. Ids and ranges are not checked here: that is the evaluator's job.
    """
    lectures: list[Lecture] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split()
        if not fields:
            continue
        if len(fields) != 4 or not all(_INTEGER.fullmatch(tok) for tok in fields[2:]):
            problems.append(f"{name} line {number}: expected `<course> <room> <day> <period>`, "
                            f"got {raw.strip()!r}")
            continue
        lectures.append(Lecture(fields[0], fields[1], int(fields[2]), int(fields[3])))
    if problems:
        raise CttError(problems)
    return lectures


def write_solution(lectures: Iterable[Lecture]) -> str:
    """The competition's solution text, one line per lecture in the given order."""
    return "".join(f"{x.course} {x.room} {x.day} {x.period}\n" for x in lectures)
