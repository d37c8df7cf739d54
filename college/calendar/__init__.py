"""Calendar: single sessions cancelled or moved with a reason, teachers' and learners' views of the
published timetable, and each account's secret iCalendar URL."""
