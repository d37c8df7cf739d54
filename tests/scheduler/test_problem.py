"""Reading problems: defaults, and one message per problem naming its JSON path."""

from __future__ import annotations

import pytest
from sched_cases import tiny

from scheduler.problem import DEFAULT_WEIGHTS, ProblemError, load_problem


def errors_of(doc: dict) -> list[str]:
    with pytest.raises(ProblemError) as info:
        load_problem(doc)
    return info.value.messages


def test_a_clean_problem_gets_the_spec_defaults():
    p = load_problem(tiny())
    assert p.weights == DEFAULT_WEIGHTS
    assert p.sites["S2"].child_safe is False
    assert p.sections["C2"].min_days_apart == 1
    assert p.sections["C2"].allowed is None
    assert p.sections["C2"].features == frozenset()
    assert p.locked == () and p.reference is None and p.allow_unassigned is False
    assert len(p.slots) == 12
    assert p.teachers["T2"].max_meetings is None
    assert p.teachers["T2"].intergenerational is False


def test_an_unknown_site_is_named_by_its_path():
    doc = tiny()
    doc["sections"][1]["sites"] = ["S1", "S99"]
    assert errors_of(doc) == ['sections[1].sites[1]: unknown site "S99"']


def test_every_problem_is_reported_at_once():
    doc = tiny()
    doc["colour"] = "blue"
    del doc["rooms"]
    doc["teachers"][1]["id"] = "T1"
    doc["sections"][0]["size"] = -3
    doc["sections"][2]["meetings"] = "two"
    doc["sites"][1]["closed"] = ["mon:xx"]
    doc["conflicts"] = [["C1", "C9"]]
    messages = errors_of(doc)
    assert "colour: unknown top-level key" in messages
    assert "rooms: missing required key" in messages
    assert any(m.startswith("teachers[1].id: duplicate teacher id") for m in messages)
    assert "sections[0].size: must be at least 0, not -3" in messages
    assert "sections[2].meetings: must be an integer, not string 'two'" in messages
    assert any(m.startswith('sites[1].closed[0]: unknown slot "mon:xx"') for m in messages)
    assert 'conflicts[0][1]: unknown section "C9"' in messages


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["sections"][0].update(teacher="T9"), 'sections[0].teacher: unknown teacher "T9"'),
    (lambda d: d["rooms"][0].update(site="S7"), 'rooms[0].site: unknown site "S7"'),
    (lambda d: d["sections"][2].update(children_group="G5"),
     'sections[2].children_group: unknown children group "G5"'),
    (lambda d: d.update(format="other/2"), "format: must be"),
    (lambda d: d["periods"][0].update(start="8h30"), "periods[0].start: must be a clock time"),
    (lambda d: d.update(weights={"speed": 1}), "weights.speed: unknown weight"),
    (lambda d: d.update(locked=[{"section": "C1", "meeting": 5, "slot": "mon:am1"}]),
     "locked[0].meeting: section C1 has meetings 0..1"),
    (lambda d: d["sections"][0].pop("subject"), 'sections[0]: missing required key "subject"'),
    (lambda d: d["teachers"][0].update(max_sites_per_day=0),
     "teachers[0].max_sites_per_day: must be at least 1"),
    (lambda d: d.update(travel_minutes={"S1": {"S3": 5}}), 'travel_minutes.S1.S3: unknown site'),
])
def test_each_kind_of_error_names_its_path(mutate, expected):
    doc = tiny()
    mutate(doc)
    messages = errors_of(doc)
    assert any(m.startswith(expected) for m in messages), messages


def test_an_empty_list_means_none_and_null_means_unrestricted():
    doc = tiny()
    doc["teachers"][0]["available"] = []
    doc["teachers"][1]["available"] = None
    p = load_problem(doc)
    assert p.teachers["T1"].available == frozenset()
    assert p.teachers["T2"].available == frozenset(p.slots)


def test_a_problem_that_is_not_an_object_is_refused():
    assert errors_of([1, 2]) == ["problem: must be an object, not a list"]
