"""Benchmark: what marking the glossary's abbreviations costs a page on its way out.

Run: .venv/bin/python benchmarks/abbreviations.py  (no database). Prints the median time to mark a
page like the 45-question scoring form (question texts, radios, note boxes) at three sizes.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspections.glossary import mark_abbreviations  # noqa: E402

QUESTION = (
    '<div class="govuk-form-group" id="question-roh-{n}"><fieldset class="govuk-fieldset">'
    '<legend class="govuk-fieldset__legend">{n}. Is the RoSH screening on file, and was the LAC status '
    'checked with the YOS case manager?</legend><div class="govuk-radios">'
    '<div class="govuk-radios__item"><input class="govuk-radios__input" id="q-{n}-yes" name="q-{n}" '
    'type="radio" value="yes"><label class="govuk-label govuk-radios__label" for="q-{n}-yes">Yes</label></div>'
    '<div class="govuk-radios__item"><input class="govuk-radios__input" id="q-{n}-no" name="q-{n}" '
    'type="radio" value="no"><label class="govuk-label govuk-radios__label" for="q-{n}-no">No</label></div>'
    '</div></fieldset><label class="govuk-label" for="note-{n}">Note on question {n}</label>'
    '<textarea class="govuk-textarea" id="note-{n}" name="note-{n}" rows="2">No RoSH plan on file</textarea></div>\n'
)


def page(questions):
    body = "".join(QUESTION.format(n=n) for n in range(1, questions + 1))
    return f"<!DOCTYPE html><html><head><title>Case NS-1</title></head><body><main>{body}</main></body></html>"


def main():
    for questions in (45, 150, 450):
        html = page(questions)
        times = []
        for _ in range(25):
            start = time.perf_counter()
            mark_abbreviations(html)
            times.append(time.perf_counter() - start)
        print(f"{questions:4d} questions, {len(html) / 1024:6.0f} KiB: {statistics.median(times) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
