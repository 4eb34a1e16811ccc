"""Which questions an audit reads: a programme's themed audit may read a subset of its framework.

One rule, one definition: the scoring page, the save and submission check, and the judgements
(and so publishing) all ask `question_scope`. An inspection that is not a programme audit, or a
programme audit of the whole framework, reads every question (None).
"""

from ..models import ProgrammeAudit


def question_scope(inspection) -> frozenset[int] | None:
    """The ids of the questions the inspection's audit reads, or None for every question: one query,
    none when the inspection was read with its audit (`select_related("programme_audit")`)."""
    relation = type(inspection).programme_audit.related
    if relation.is_cached(inspection):
        audit = relation.get_cached_value(inspection)
        ids = audit.question_ids if audit is not None else None
    else:
        # One audit at most per inspection: by its key, not the default ordering (which joins the template and service).
        audits = ProgrammeAudit.objects.filter(inspection_id=inspection.pk).order_by("pk")
        ids = audits.values_list("question_ids", flat=True).first()
    return frozenset(ids) if ids else None


def in_scope(questions, scope):
    """The questions (objects with a pk) the scope keeps, in their order."""
    return list(questions) if scope is None else [q for q in questions if q.pk in scope]
