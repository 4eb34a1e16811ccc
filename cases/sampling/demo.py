"""Demo cohort and sample for `manage.py load_demo`: the shipped example cohort, drawn and assigned.

Like the 2015 inspection in the council's minutes: "a short list of 34 cases out of a cohort of
approximately 60". Safe to run again: nothing happens if the inspection already has cases.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from .cohort import COLUMNS, read_cells
from .services import assessments_assign, cohort_import, sample_draw

EXAMPLE_COHORT = Path(settings.BASE_DIR) / "examples" / "cohort-clean.csv"
DEMO_SAMPLE_SIZE = 34
DEMO_SECOND_SHARE = 20


@transaction.atomic
def create_demo_cohort_and_sample(inspection, *, assessors, case_managers=(), seed="20150119", years_later=0):
    """Import the example cohort into `inspection`, draw 34 cases with `seed` and assign them.

    `years_later` moves the file's dates of birth and start dates on by that many years, so the
    cohort can sit in a recent period.

    The example file names its case managers; those of `case_managers` (users) it does not name
    take over the other names in order, so the demo's own people manage some cases.
    Returns the SampleDraw, or None when the inspection already had cases.
    """
    if inspection.cases.exists():
        return None
    cells = read_cells(EXAMPLE_COHORT.read_bytes(), EXAMPLE_COHORT.name)
    column = cells[0].index("case_manager") if "case_manager" in cells[0] else COLUMNS.index("case_manager")
    names = list(dict.fromkeys(row[column].strip() for row in cells[1:] if len(row) > column and row[column].strip()))
    # People already named in the file keep their cases; the others take over unknown names, in order.
    known = {key.casefold() for user in case_managers for key in (user.username, user.get_full_name()) if key}
    missing = [user for user in case_managers if user.get_full_name().casefold() not in {n.casefold() for n in names}]
    free = [name for name in names if name.casefold() not in known]
    replace = {name: user.username for name, user in zip(free, missing, strict=False)}
    for row in cells[1:]:
        if len(row) > column and row[column].strip() in replace:
            row[column] = replace[row[column].strip()]
    if years_later:
        _move_dates_on(cells, years_later)
    cohort_import(inspection=inspection, cells=cells, by=None, accept_warnings=True, allow_any_status=True)
    drawn = sample_draw(
        inspection=inspection,
        method="number",
        size=DEMO_SAMPLE_SIZE,
        seed=str(seed),
        by=None,
        allow_any_status=True,
    )
    assessments_assign(
        inspection=inspection, assessors=list(assessors), second_share=DEMO_SECOND_SHARE, by=None, allow_any_status=True
    )
    return drawn


def _move_dates_on(cells, years):
    """Shift the dd/mm/yyyy dates of the date columns by whole years (29 February becomes the 28th)."""
    header = cells[0]
    for name in ("date_of_birth", "start_date"):
        if name not in header:
            continue
        column = header.index(name)
        for row in cells[1:]:
            if len(row) <= column or row[column].count("/") != 2:
                continue
            day, month, year = row[column].strip().split("/")
            if month == "02" and day == "29":
                day = "28"
            row[column] = f"{day}/{month}/{int(year) + years}"
