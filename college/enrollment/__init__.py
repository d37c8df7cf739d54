"""Enrollment (报名): learners' places in sections, the waitlist and the seat counter."""
