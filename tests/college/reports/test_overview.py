"""The district overview: meetings per site and day, teacher loads and travel, room use, unplaced meetings."""

from college.reports.overview import district_overview, percent
from tests.college.reports.world import hand_made, rooms


def test_meetings_per_site_and_day_with_totals(app):
    version, _problem, _solution = hand_made()
    table = district_overview(version).site_days
    assert table.days == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    rows = {r.site: (r.name, r.counts, r.total) for r in table.rows}
    assert rows == {"S01": ("鼓楼社区银发先锋之家", [1, 0, 0, 0, 1, 0, 0], 2),
                    "S02": ("南宁街道银发先锋之家", [0, 1, 0, 0, 1, 0, 0], 2)}
    assert table.day_totals == [1, 1, 0, 0, 2, 0, 0] and table.total == 4


def test_teacher_loads_count_meetings_sites_per_day_and_travel(app):
    version, problem, _solution = hand_made()
    loads = {t.teacher: t for t in district_overview(version).teachers}
    wang, li = loads["T01"], loads["T02"]
    assert (wang.name, wang.meetings, wang.max_meetings) == ("王老师", 3, 6)
    assert wang.sites_per_day == {"mon": 1, "fri": 2} and wang.busiest_sites == 2
    # Friday: am1 at S02, then pm2 at S01: one move, the problem's travel time from S02 to S01
    assert wang.trips == 1 and wang.travel_minutes == problem["travel_minutes"]["S02"]["S01"] > 0
    assert wang.over == [] and wang.load_share == 0.5
    assert (li.meetings, li.sites_per_day, li.trips, li.travel_minutes) == (1, {"tue": 1}, 0, 0)


def test_a_teacher_over_a_limit_is_flagged(app):
    version, problem, _solution = hand_made()
    wang = next(t for t in problem["teachers"] if t["id"] == "T01")
    version.problem = {**problem, "teachers": [{**t, "max_meetings": 2, "max_sites_per_day": 1} if t is wang else t
                                               for t in problem["teachers"]]}
    loads = {t.teacher: t for t in district_overview(version).teachers}
    assert loads["T01"].over == ["meetings", "sites"] and loads["T02"].over == []


def test_a_move_without_a_known_travel_time_is_said_so(app):
    version, problem, _solution = hand_made()
    version.problem = {**problem, "travel_minutes": {}}
    loads = {t.teacher: t for t in district_overview(version).teachers}
    assert loads["T01"].trips == 1 and loads["T01"].travel_minutes is None


def test_room_use_is_the_share_of_open_slots_holding_a_meeting(app):
    version, problem, _solution = hand_made()
    r = rooms()
    near = next(s for s in problem["sites"] if s["id"] == "S01")
    near["closed"] = ["sun:am1", "sun:pm2", "sat:pm2", "fri:pm2"]   # the meeting there in fri:pm2 is not counted
    version.problem = problem
    sites = {s.site: s for s in district_overview(version).rooms}
    (desk_room,) = sites["S01"].rooms
    assert (desk_room.room, desk_room.name, desk_room.open_slots, desk_room.used_slots) == (r["书画室"], "书画室", 10, 1)
    big, small = sorted(sites["S02"].rooms, key=lambda x: x.name != "大教室")
    assert (big.open_slots, big.used_slots, small.used_slots) == (14, 2, 0)
    assert sites["S02"].share == 2 / 28 and percent(sites["S02"].share) == "7%"
    assert district_overview(version).total_use == 3 / 38


def test_unplaced_meetings_keep_their_reason(app):
    version, _problem, _solution = hand_made()
    (left,) = district_overview(version).unplaced
    assert (left.section, left.name, left.meeting, left.reason) == ("C002", "C002 合唱", 2, "没有合适的教室")
    assert percent(None) == "—"
