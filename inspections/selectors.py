"""Reads pages share on the ground floor, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from .models import Finding, Recommendation


@dataclass
class RecordEntry:
    when: datetime
    who: object
    what: str
    detail: str
    old: str
    new: str


HISTORY_WORDS = {"+": "added", "~": "changed", "-": "removed"}


def report_record(inspection) -> list[RecordEntry]:
    """Every change to the inspection's findings and recommendations, newest first: who, when, what, the
    reason (an amendment after publication carries one), the text before and after. Two queries."""
    entries = []
    for kind, model in (("Finding", Finding), ("Recommendation", Recommendation)):
        last_text = {}
        rows = (
            model.history.filter(inspection_id=inspection.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        for row in rows:
            before = last_text.get(row.id, "")
            amended = (row.history_change_reason or "").startswith("Amended")
            action = "amended" if amended else HISTORY_WORDS[row.history_type]
            entries.append(
                RecordEntry(
                    when=row.history_date,
                    who=row.history_user,
                    what=f"{kind} {action}",
                    detail=row.history_change_reason or "",
                    old=before if row.history_type != "+" else "",
                    new=row.text if row.history_type != "-" else "",
                )
            )
            last_text[row.id] = row.text
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
