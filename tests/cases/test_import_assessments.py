"""import_assessments: all or nothing, each problem with row and column."""

import pytest
from django.core.management import CommandError, call_command

from cases.judgements import inspection_judgements
from cases.models import Answer, Assessment
from tests.factories import CaseFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(service, officer, manager):
    inspection = InspectionFactory(service=service)
    CaseFactory(inspection=inspection, reference="NS-1")
    CaseFactory(inspection=inspection, reference="NS-2", case_manager=manager)
    return inspection


def write(tmp_path, text, encoding="utf-8-sig"):
    path = tmp_path / "assessments.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


HEADER = "case_reference,assessor,marking,question_code,answer,note,status\n"
CODES = ["roh-1", "roh-2", "roh-3", "saf-1", "saf-2", "saf-3"]


def complete(reference, assessor, marking, first="yes", status=""):
    """Rows answering every question of the test framework."""
    return "".join(
        f"{reference},{assessor},{marking},{code},{first if i == 0 else 'yes'},{'Missing' if first == 'no' else ''},"
        f"{status}\n"
        for i, code in enumerate(CODES)
    )


def test_complete_assessments_import_submitted_and_incomplete_ones_as_drafts(tmp_path, inspection, capsys):
    path = write(
        tmp_path,
        HEADER + complete("NS-1", "olivia", "first", first="no") + "NS-2,olivia,first,roh-1,N/A,,\n",
    )
    call_command("import_assessments", inspection.pk, path)
    assert "Imported 2 assessments (7 answers), 1 of them as drafts" in capsys.readouterr().out
    assert Assessment.objects.get(case__reference="NS-1").status == "submitted"
    assert Assessment.objects.get(case__reference="NS-2").status == "draft"  # does not count
    assert inspection_judgements(inspection).areas[0].score == 67
    assert inspection_judgements(inspection).cases_counted == 1


def test_a_file_that_says_submitted_must_answer_every_question(tmp_path, inspection, capsys):
    path = write(tmp_path, HEADER + "NS-1,olivia,first,roh-1,yes,,submitted\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_assessments", inspection.pk, path)
    assert "row 2, column status: 5 question(s) unanswered" in capsys.readouterr().err
    assert not Assessment.objects.exists()


def test_a_no_without_a_note_is_refused(tmp_path, inspection, capsys):
    with pytest.raises(CommandError):
        call_command("import_assessments", inspection.pk, write(tmp_path, HEADER + "NS-1,olivia,first,roh-1,no,,\n"))
    assert "row 2, column note: the answer is No" in capsys.readouterr().err
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("status", ["planned", "sampling", "published", "closed"])
def test_answers_are_imported_only_while_scoring_or_in_moderation(tmp_path, inspection, capsys, status):
    # Set directly: an inspection that has started scoring cannot be moved back by a save.
    type(inspection).objects.filter(pk=inspection.pk).update(status=status)
    with pytest.raises(CommandError):
        call_command("import_assessments", inspection.pk, write(tmp_path, HEADER + complete("NS-1", "olivia", "first")))
    assert "answers can be imported only while it is scoring or in moderation" in capsys.readouterr().err
    assert not Assessment.objects.exists()


def test_second_marker_differs_from_the_first_and_final_needs_both_submitted(tmp_path, inspection, capsys, service):
    from inspections.models import Role
    from tests.factories import member

    member(service, Role.OFFICER, username="sam")
    path = write(
        tmp_path,
        HEADER
        + complete("NS-1", "olivia", "first")
        + complete("NS-1", "olivia", "second")  # row 8: same marker
        + "NS-2,olivia,first,roh-1,yes,,\n"  # row 14: a draft first marking
        + complete("NS-2", "sam", "second")
        + complete("NS-2", "sam", "final"),  # row 21: the first marking is not submitted
    )
    with pytest.raises(CommandError):
        call_command("import_assessments", inspection.pk, path)
    errors = capsys.readouterr().err
    assert "row 8, column assessor: case NS-1: the second marker must differ from the first marker" in errors
    assert "row 21, column marking: case NS-2: a moderated marking needs the first and second markings" in errors
    assert "first marking not submitted" in errors
    assert not Assessment.objects.exists()
    # Put right, the same file imports: a moderated marking after two submitted markings by different people.
    path = write(
        tmp_path,
        HEADER
        + complete("NS-1", "olivia", "first")
        + complete("NS-1", "sam", "second", first="no")
        + complete("NS-1", "sam", "final", first="no"),
    )
    call_command("import_assessments", inspection.pk, path)
    assert Assessment.objects.filter(status="submitted").count() == 3
    assert inspection_judgements(inspection).areas[0].questions[0].score == 0  # counted through the final marking


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_imported(tmp_path, inspection, capsys):
    path = write(
        tmp_path,
        "case_reference,assessor,marking,question_code,answer,note\n"
        "NS-9,olivia,first,roh-1,yes,\n"  # unknown case
        "NS-1,nobody,first,roh-1,yes,\n"  # unknown assessor
        "NS-1,olivia,third,roh-1,yes,\n"  # bad marking
        "NS-1,olivia,first,zzz,yes,\n"  # unknown question
        "NS-1,olivia,first,roh-2,maybe,\n"  # bad answer
        "NS-2,marcus,first,roh-1,yes,\n"  # own case
        "NS-1,olivia,first,roh-3,yes,\n",
    )  # fine on its own
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_assessments", inspection.pk, path)
    errors = capsys.readouterr().err
    for expected in [
        "row 2, column case_reference",
        "row 3, column assessor",
        "row 4, column marking",
        "row 5, column question_code",
        "row 6, column answer",
        "row 7, column assessor",
    ]:
        assert expected in errors
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_missing_columns_and_bad_encoding_are_reported(tmp_path, inspection):
    with pytest.raises(CommandError):
        call_command("import_assessments", inspection.pk, write(tmp_path, "case_reference,answer\nNS-1,yes\n"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command(
            "import_assessments", inspection.pk, write(tmp_path, "case_reference\nNS-1 caf\u00e9\n", "latin-1")
        )
    assert not Assessment.objects.exists()
