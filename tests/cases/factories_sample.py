"""Helpers for the cohort, sample and assignment tests: cohort files and cohorts of cases."""

import csv
import datetime as dt
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.sampling.cohort import COLUMNS
from tests.factories import CaseFactory, InspectionFactory

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PERIOD = (dt.date(2014, 1, 1), dt.date(2014, 12, 31))


def sampling_inspection(service, **fields):
    """An inspection of `service` in the Sampling stage, over the calendar year 2014."""
    return InspectionFactory(service=service, status="sampling", period_start=PERIOD[0], period_end=PERIOD[1], **fields)


def row(**overrides):
    """A valid cohort row (as a dict of column -> text)."""
    values = {
        "reference": "NS-2015-0001",
        "disposal": "Community",
        "rosh": "Medium",
        "gender": "Male",
        "date_of_birth": "14/02/1999",
        "ethnicity": "White British",
        "looked_after": "No",
        "start_date": "20/04/2014",
        "case_manager": "Tom Whitfield",
        "team": "South",
    }
    values.update(overrides)
    return values


def rows(n, start=1, **overrides):
    return [row(reference=f"NS-2015-{i:04d}", **overrides) for i in range(start, start + n)]


def csv_bytes(data_rows, columns=COLUMNS, encoding="utf-8", bom=False):
    """A cohort CSV: `data_rows` are dicts (missing columns left empty) or lists of cells."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for data in data_rows:
        writer.writerow([data.get(c, "") for c in columns] if isinstance(data, dict) else data)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def upload(content, name="cohort.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def make_cohort(inspection, n, **fields):
    """`n` cases spread over disposals, risk levels, genders, looked-after status and teams."""
    disposals = ["community", "community", "out_of_court", "custody"]
    risks = ["low", "medium", "high", "low", "very_high"]
    cases = []
    for i in range(n):
        values = {
            "inspection": inspection,
            "reference": f"NS-2015-{i + 1:04d}",
            "disposal": disposals[i % len(disposals)],
            "rosh": risks[i % len(risks)],
            "gender": "female" if i % 7 == 3 else "male",
            "looked_after": i % 5 == 0,
            "team": ["North", "South"][i % 2],
            "in_sample": False,
            "start_date": dt.date(2014, 1 + i % 12, 1 + i % 28),
        }
        values.update(fields)
        cases.append(CaseFactory(**values))
    return cases
