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


def test_a_clean_file_imports_submitted_assessments(tmp_path, inspection, capsys):
    path = write(
        tmp_path,
        "case_reference,assessor,marking,question_code,answer,note\n"
        "NS-1,olivia,first,roh-1,Yes,\nNS-1,olivia,first,roh-2,no,Plan late\nNS-2,olivia,first,roh-1,N/A,\n",
    )
    call_command("import_assessments", inspection.pk, path)
    assert "Imported 2 assessments (3 answers)" in capsys.readouterr().out
    assert Assessment.objects.filter(status="submitted").count() == 2
    assert inspection_judgements(inspection).areas[0].score == 50


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
