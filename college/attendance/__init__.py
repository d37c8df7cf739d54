"""Attendance (点名): for each dated session, which of the class's learners came, were away, or had asked
for leave, as its teacher (or a substitute, the site's coordinator, an administrator) records it."""
