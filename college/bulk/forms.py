"""The upload form of an import page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to upload."))],
                     description=_l("A .csv file saved from Excel or WPS (\"CSV UTF-8\" or plain "
                                    "\"CSV\"), with the column names in the first row."))
    submit = SubmitField(_l("Import"))
