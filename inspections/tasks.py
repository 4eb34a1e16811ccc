"""The inspection page's task list: the work in the order it happens, each step with its status.

Plain Python: the statuses follow from the inspection's own status (planned -> sampling -> scoring ->
moderation -> published -> closed), so the page needs no query into the cases or plans."""

from dataclasses import dataclass

ORDER = ["planned", "sampling", "scoring", "moderation", "published", "closed"]

COMPLETED, IN_PROGRESS, NOT_STARTED, CANNOT_START = "Completed", "In progress", "Not yet started", "Cannot start yet"


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    hint: str
    url_name: str  # reversed with the inspection's pk (the plan list takes none)
    status: str

    @property
    def tag_class(self):
        return {IN_PROGRESS: "govuk-tag--light-blue", NOT_STARTED: "govuk-tag--blue"}.get(self.status, "")


# (key, name, hint, url name, status from which it starts, status from which it is done)
STEPS = [
    (
        "setup",
        "Set up the inspection",
        "Kind, framework, period and dates",
        "inspections:inspection_edit",
        "planned",
        "sampling",
    ),
    ("cohort", "Import the cohort", "Every eligible case in the period", "cases:cohort", "sampling", "scoring"),
    (
        "sample",
        "Draw the sample",
        "The cases to score, drawn from the cohort",
        "cases:sample_result",
        "sampling",
        "scoring",
    ),
    (
        "assign",
        "Assign the sample",
        "Who scores each case, and the second markings",
        "cases:sample_assign",
        "sampling",
        "scoring",
    ),
    (
        "scoring",
        "Score the cases",
        "Officers answer every question for their cases",
        "cases:case_list",
        "scoring",
        "moderation",
    ),
    (
        "moderation",
        "Moderate disagreements",
        "Settle where first and second markings differ",
        "cases:moderation_list",
        "moderation",
        "published",
    ),
    (
        "judgements",
        "Check the judgements",
        "Scores and bands by area, with any overrides",
        "cases:judgements",
        "moderation",
        "published",
    ),
    (
        "publish",
        "Publish the judgements",
        "Publishing stores the judgements for good",
        "cases:judgements",
        "moderation",
        "published",
    ),
    (
        "plan",
        "Write the improvement plan",
        "Actions that answer the recommendations",
        "plan_for_inspection",
        "published",
        "closed",
    ),
]


def task_list(status):
    """[Task] for an inspection in `status`."""
    now = ORDER.index(status)
    tasks = []
    for key, name, hint, url_name, starts, done in STEPS:
        if now >= ORDER.index(done):
            state = COMPLETED
        elif now >= ORDER.index(starts):
            state = IN_PROGRESS if key not in ("publish", "plan") else NOT_STARTED
        else:
            state = CANNOT_START
        tasks.append(Task(key, name, hint, url_name, state))
    return tasks
