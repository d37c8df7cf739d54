"""The solver package knows nothing of the web app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_scheduler_loads_no_flask_and_no_sqlalchemy():
    code = ("import sys, scheduler, scheduler.__main__, scheduler.explain, scheduler.solve; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'college')]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == ""
