"""CSV import and export of sites, rooms, teachers, courses and sections."""
