"""Reading and checking a cohort file (CSV or XLSX): cells in, rows and problems out.

No database here. `read_cells` turns the uploaded bytes into a header and rows of text cells
(the form kept between the preview and the confirmation); `check_cells` reads those cells
into `CohortRow`s and lists every problem with its row, column and reason. A problem is an
error (nothing may be imported while one remains) or a warning the person may accept (a
start date outside the inspection's period, an unusual age).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first case row 2.
The date of birth is read only to work out the age at the start date; it is not kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

COLUMNS = [
    "reference",
    "disposal",
    "rosh",
    "gender",
    "date_of_birth",
    "ethnicity",
    "looked_after",
    "start_date",
    "case_manager",
    "team",
]
COLUMN_NAMES = {
    "rosh": "risk of serious harm level (rosh)",
    "date_of_birth": "date of birth",
    "start_date": "start date",
}
REQUIRED_VALUES = ["reference", "disposal", "rosh", "gender", "date_of_birth", "start_date"]

# Other headings people use for the same columns (compared after `squash`).
COLUMN_ALIASES = {
    "ref": "reference",
    "casereference": "reference",
    "riskofseriousharm": "rosh",
    "risklevel": "rosh",
    "roshlevel": "rosh",
    "sex": "gender",
    "dob": "date_of_birth",
    "dateofbirth": "date_of_birth",
    "lookedafterchild": "looked_after",
    "lookedafter": "looked_after",
    "lac": "looked_after",
    "startdate": "start_date",
    "casemanager": "case_manager",
}

DISPOSALS = {
    "outofcourt": "out_of_court",
    "ooc": "out_of_court",
    "community": "community",
    "custody": "custody",
}
RISK_LEVELS = {"low": "low", "medium": "medium", "high": "high", "veryhigh": "very_high"}
GENDERS = {
    "female": "female",
    "f": "female",
    "girl": "female",
    "male": "male",
    "m": "male",
    "boy": "male",
    "other": "other",
    "notknown": "other",
    "unknown": "other",
    "othernotknown": "other",
    "otherornotknown": "other",
}
LABELS = {
    "out_of_court": "Out of court",
    "community": "Community",
    "custody": "Custody",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "very_high": "Very high",
    "female": "Female",
    "male": "Male",
    "other": "Other or not known",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

DISPOSAL_SPELLINGS = "Out of court, Community or Custody"
RISK_SPELLINGS = "Low, Medium, High or Very high"
GENDER_SPELLINGS = "Female, Male or Other"

# Youth justice covers ages 10 to 17 at the start of an order; a little leeway for late starts.
YOUNGEST, OLDEST = 10, 18
REFERENCE_MAX_LENGTH = 40
REFERENCE_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*")
TWO_CAPITALISED_WORDS = re.compile(r"\b[A-Z][a-z'’]+[\s,]+[A-Z][a-z'’]+")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%d %b %Y"]
XLSX_MAGIC = b"PK\x03\x04"


def squash(value: str) -> str:
    """Lower case without spaces, hyphens or underscores: "Out-of court" -> "outofcourt"."""
    return re.sub(r"[\s\-_]+", "", value.strip().lower())


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str
    warning: bool = False

    def as_text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        kind = "Warning" if self.warning else "Error"
        return f"{kind}: {', '.join(where) + ': ' if where else ''}{self.message}"


@dataclass
class CohortRow:
    row: int
    reference: str
    disposal: str
    rosh: str
    gender: str
    age_at_start: int | None
    ethnicity: str
    looked_after: bool
    start_date: dt.date | None
    case_manager: str
    team: str

    @property
    def disposal_label(self):
        return LABELS.get(self.disposal, self.disposal)

    @property
    def rosh_label(self):
        return LABELS.get(self.rosh, self.rosh)

    @property
    def gender_label(self):
        return LABELS.get(self.gender, self.gender)


@dataclass
class CohortCheck:
    rows: list[CohortRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def counts(self) -> dict[str, Counter]:
        """Rows per disposal, risk level, gender and looked-after status (stored values)."""
        return {
            "disposal": Counter(r.disposal for r in self.rows),
            "rosh": Counter(r.rosh for r in self.rows),
            "gender": Counter(r.gender for r in self.rows),
            "looked_after": Counter("yes" if r.looked_after else "no" for r in self.rows),
        }


class UnreadableFile(Exception):
    """The file could not be read as a table at all."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


# --- reading ---------------------------------------------------------------------------------


# Hard limits on what an upload may hold, whatever the file declares (a 2 KB workbook can declare a
# million rows): rows with anything in them (the header included), columns, characters in a cell; rows
# read at all, empty ones included (a sheet of a million empty rows is refused rather than walked); and
# the unpacked size of a workbook (a zip bomb is refused before it is opened).
MAX_ROWS = 20_001
MAX_COLUMNS = 50
MAX_CELL_CHARS = 1_000
MAX_ROWS_READ = 5 * MAX_ROWS
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def read_cells(data: bytes, filename: str = "", max_bytes: int | None = None) -> list[list[str]]:
    """The file's rows (header first) as lists of text cells. Raises UnreadableFile.

    Read row by row, never trusting the size a workbook declares, and refused past the hard limits
    (MAX_ROWS, MAX_COLUMNS, MAX_CELL_CHARS) with a message saying which and where. Empty rows at the
    end are dropped."""
    if max_bytes is not None and len(data) > max_bytes:
        raise UnreadableFile(
            Problem(
                None,
                "",
                f"The file is {_size(len(data))}; the largest file you can upload is {_size(max_bytes)}. "
                "Split the cohort or remove columns that are not needed.",
            )
        )
    if not data.strip():
        raise UnreadableFile(Problem(None, "", "The file is empty. Choose the cohort file and upload it again."))
    if filename.lower().endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if filename.lower().endswith((".xls", ".ods", ".numbers")):
        raise UnreadableFile(Problem(None, "", "The file must be a CSV or an Excel workbook (.xlsx)."))
    return _read_csv(data)


def _limited(rows) -> list[list[str]]:
    """Take rows of text cells one at a time, refusing at the first that goes past a limit."""
    cells: list[list[str]] = []
    blank_run = 0  # empty rows seen since the last row with something in it (kept only if one follows)
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS_READ:
            raise UnreadableFile(
                Problem(
                    None,
                    "",
                    f"The file goes on past row {MAX_ROWS_READ:,} (empty rows included). A cohort can have at most "
                    f"{MAX_ROWS - 1:,} cases: delete the rows below the last case and upload it again.",
                )
            )
        while row and not row[-1]:
            row = row[:-1]
        if not row or not any(cell.strip() for cell in row):
            blank_run += 1
            continue
        if len(row) > MAX_COLUMNS:
            raise UnreadableFile(
                Problem(
                    number,
                    "",
                    f"Row {number} has something in column {len(row):,}; a cohort file can have at most "
                    f"{MAX_COLUMNS} columns. Delete the columns that are not needed.",
                )
            )
        for position, cell in enumerate(row, start=1):
            if len(cell) > MAX_CELL_CHARS:
                raise UnreadableFile(
                    Problem(
                        number,
                        "",
                        f"Row {number}, column {position} has {len(cell):,} characters; a cell can have at most "
                        f"{MAX_CELL_CHARS:,}.",
                    )
                )
        if number > MAX_ROWS:
            raise UnreadableFile(
                Problem(
                    number,
                    "",
                    f"The file has cases on row {number:,}; a cohort can have at most {MAX_ROWS - 1:,} cases "
                    f"(rows 2 to {MAX_ROWS:,}). Split the cohort, or remove rows that are not cases.",
                )
            )
        cells.extend([] for _ in range(blank_run))
        blank_run = 0
        cells.append(row)
    return cells


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(
            Problem(
                line,
                "",
                "The file is not UTF-8 text. In Excel, choose Save As and 'CSV UTF-8 (comma delimited)', "
                "then upload it again.",
            )
        ) from error
    if "\x00" in text:
        raise UnreadableFile(Problem(None, "", "The file is not a CSV text file. Upload a CSV or an .xlsx file."))
    try:
        return _limited(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise UnreadableFile(Problem(None, "", f"The CSV file could not be read: {error}.")) from error


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = UnreadableFile(
        Problem(None, "", "The file could not be read as an Excel workbook (.xlsx). Save it again and retry.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable from error
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            Problem(
                None,
                "",
                f"The workbook unpacks to {_size(unpacked)}; the most a cohort workbook may hold is "
                f"{_size(XLSX_MAX_UNPACKED_BYTES)}. Save the cohort sheet alone as CSV UTF-8 and upload that.",
            )
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension (which a crafted file sets to a million rows) is ignored: rows are
        # read as they come, each as wide as its own last cell, and reading stops at the first over a limit.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        return _limited([_xlsx_text(value) for value in row] for row in rows)
    finally:
        workbook.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- checking --------------------------------------------------------------------------------


def check_cells(
    cells: list[list[str]],
    *,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    existing_references: set[str] | frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> CohortCheck:
    """Read and check every row; report every problem, not only the first."""
    today = today or dt.date.today()
    result = CohortCheck()
    if not cells or not any(cell.strip() for cell in cells[0]):
        result.problems.append(
            Problem(1, "", f"The first row must be the header, naming the columns: {', '.join(COLUMNS)}.")
        )
        return result

    positions, header_problems = _read_header(cells[0])
    result.problems.extend(header_problems)
    if any(not p.warning for p in header_problems):
        return result

    # Blank rows at the very end are a spreadsheet habit and are ignored; blank rows between cases are not.
    body = list(cells[1:])
    while body and not any(cell.strip() for cell in body[-1]):
        body.pop()
    if not body:
        result.problems.append(Problem(None, "", "The file has a header but no cases."))
        return result

    existing = {ref.casefold() for ref in existing_references}
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            result.problems.append(Problem(index, "", "The row is empty. Delete it, or fill it in."))
            continue
        values = {column: (raw[pos].strip() if pos < len(raw) else "") for column, pos in positions.items()}
        row, problems = _check_row(index, values, period_start, period_end, today)
        if row.reference:
            key = row.reference.casefold()
            if key in first_seen:
                problems.append(
                    Problem(index, "reference", f"{row.reference} appears twice: it is also on row {first_seen[key]}.")
                )
            else:
                first_seen[key] = index
            if key in existing:
                problems.append(Problem(index, "reference", f"{row.reference} is already in this inspection's cohort."))
        result.problems.extend(problems)
        if not any(not p.warning for p in problems):
            result.rows.append(row)
    if result.errors:
        result.rows = []
    return result


def _read_header(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    positions: dict[str, int] = {}
    problems = []
    known = {squash(c): c for c in COLUMNS} | COLUMN_ALIASES
    for pos, heading in enumerate(header):
        if not heading.strip():
            continue
        column = known.get(squash(heading))
        if column is None:
            problems.append(
                Problem(
                    1,
                    heading.strip(),
                    f"'{heading.strip()}' is not a column of a cohort file. The columns are: {', '.join(COLUMNS)}.",
                )
            )
        elif column in positions:
            problems.append(Problem(1, heading.strip(), f"The column {column} appears twice."))
        else:
            positions[column] = pos
    for column in COLUMNS:
        if column not in positions:
            problems.append(Problem(1, column, f"The column {column} is missing. Add it to the header row."))
    return positions, problems


def _check_row(index, values, period_start, period_end, today) -> tuple[CohortRow, list[Problem]]:
    problems: list[Problem] = []

    def error(column, message):
        problems.append(Problem(index, column, message))

    for column in REQUIRED_VALUES:
        if not values[column]:
            error(column, f"Enter the {COLUMN_NAMES.get(column, column.replace('_', ' '))}.")

    reference = values["reference"]
    if reference:
        reason = reference_problem(reference)
        if reason:
            error("reference", reason)

    disposal = _choice(values["disposal"], DISPOSALS, "disposal", DISPOSAL_SPELLINGS, error)
    rosh = _choice(values["rosh"], RISK_LEVELS, "rosh", RISK_SPELLINGS, error)
    gender = _choice(values["gender"], GENDERS, "gender", GENDER_SPELLINGS, error)

    looked_after = False
    flag = squash(values["looked_after"])
    if flag in YES:
        looked_after = True
    elif flag not in NO:
        error("looked_after", f"'{values['looked_after']}' is not Yes or No.")

    date_of_birth = _date(values["date_of_birth"], "date_of_birth", today, error)
    start_date = _date(values["start_date"], "start_date", today, error)

    age = None
    if date_of_birth and start_date:
        if date_of_birth >= start_date:
            error("date_of_birth", "The date of birth must be before the start date.")
        else:
            age = (
                start_date.year
                - date_of_birth.year
                - ((start_date.month, start_date.day) < (date_of_birth.month, date_of_birth.day))
            )
            if not YOUNGEST <= age <= OLDEST:
                problems.append(
                    Problem(
                        index,
                        "date_of_birth",
                        f"The young person would have been {age} at the start date; "
                        f"youth justice cases start between {YOUNGEST} and 17. Check the dates.",
                        warning=True,
                    )
                )
    if start_date and period_start and period_end and not period_start <= start_date <= period_end:
        problems.append(
            Problem(
                index,
                "start_date",
                f"The start date {start_date:%d/%m/%Y} is outside the inspection's period "
                f"({period_start:%d/%m/%Y} to {period_end:%d/%m/%Y}).",
                warning=True,
            )
        )

    row = CohortRow(
        row=index,
        reference=reference,
        disposal=disposal,
        rosh=rosh,
        gender=gender,
        age_at_start=age,
        ethnicity=values["ethnicity"][:100],
        looked_after=looked_after,
        start_date=start_date,
        case_manager=" ".join(values["case_manager"].split())[:200],
        team=" ".join(values["team"].split())[:100],
    )
    return row, problems


def reference_problem(reference: str) -> str:
    """Why a reference cannot be used, or "" when it looks like a pseudonymised id."""
    letters_only = re.fullmatch(r"[A-Za-z'’.\-]+(?:[\s,]+[A-Za-z'’.\-]+)*", reference)
    if TWO_CAPITALISED_WORDS.search(reference) or (letters_only and " " in reference):
        return (
            f"'{reference}' looks like a person's name. Use the case's pseudonymised reference "
            "(for example NS-2015-0001), never a name."
        )
    if letters_only:
        return (
            f"'{reference}' has no digits, so it may be a name. Use the case's pseudonymised reference "
            "(for example NS-2015-0001)."
        )
    if len(reference) > REFERENCE_MAX_LENGTH:
        return f"The reference is longer than {REFERENCE_MAX_LENGTH} characters."
    if not REFERENCE_CHARACTERS.fullmatch(reference):
        return "A reference may contain only letters, digits, hyphens, slashes, dots and underscores."
    return ""


def _choice(value, choices, column, spellings, error) -> str:
    if not value:
        return ""
    chosen = choices.get(squash(value))
    if chosen is None:
        error(
            column,
            f"'{value}' is not a {COLUMN_NAMES.get(column, column)} we know: use {spellings}.",
        )
        return ""
    return chosen


# The numeric formats of DATE_FORMATS, read without strptime (ten times faster: a cohort has
# thousands of dates): year-month-day with - or /, day-month-year with /, - or . (the same both times).
_NUMERIC_DATES = [
    (re.compile(r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})"), (0, 2, 3)),
    (re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})"), (3, 2, 0)),
]


def _dates_in(text):
    """The date `text` reads as (at most one), by DATE_FORMATS."""
    for pattern, (year, month, day) in _NUMERIC_DATES:
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            try:
                found = dt.date(int(parts[year]), int(parts[month]), int(parts[day]))
            except ValueError:
                return
            yield found
            return
    for fmt in DATE_FORMATS:
        try:
            yield dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
        return


def _date(value, column, today, error) -> dt.date | None:
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", text):
        text = text[:10]
    for parsed in _dates_in(text):
        if parsed.year < 1900:
            break
        if parsed > today:
            error(column, f"{parsed:%d/%m/%Y} is in the future.")
            return None
        return parsed
    error(column, f"'{value}' is not a real date. Write dates as 31/01/2015 or 2015-01-31.")
    return None


def match_case_managers(names, people) -> dict[str, int]:
    """{name as written: user id} for names that match a person's username or full name.

    `people` is an iterable of (user id, username, full name); matching ignores case and
    repeated spaces. A name that matches two people is left unmatched (kept as a name).
    """
    index: dict[str, set[int]] = {}
    for user_id, username, full_name in people:
        for key in {username, full_name}:
            key = " ".join((key or "").split()).casefold()
            if key:
                index.setdefault(key, set()).add(user_id)
    matched = {}
    for name in names:
        ids = index.get(" ".join(name.split()).casefold(), set())
        if len(ids) == 1:
            matched[name] = next(iter(ids))
    return matched
