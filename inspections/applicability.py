"""Which cases an area or question applies to (`applies_to` in a framework file). No Django.

A rule is a mapping of case attributes to what they must be, all of which must hold:

    applies_to: {disposal: [community, custody]}        # court disposals only
    applies_to: {disposal: [out_of_court]}              # out-of-court disposals only
    applies_to: {looked_after: true}                    # only where the child is looked after
    applies_to: {rosh: [high, very_high]}               # only where the risk of serious harm is high

An empty rule (the default) applies to every case. A case whose attribute is not recorded is asked
the question (nothing is left out for want of data).
"""

from collections.abc import Mapping

LIST_ATTRIBUTES = {
    "disposal": ("out_of_court", "community", "custody"),
    "rosh": ("low", "medium", "high", "very_high"),
    "gender": ("male", "female", "other", "not_recorded"),
}
YES_NO_ATTRIBUTES = ("looked_after",)
ATTRIBUTES = (*LIST_ATTRIBUTES, *YES_NO_ATTRIBUTES)


def problems(rule: object) -> list[str]:
    """What is wrong with an `applies_to` rule as written (empty when it is sound)."""
    if rule is None:
        return []
    if not isinstance(rule, Mapping):
        return [f"must be a mapping of case attributes ({', '.join(ATTRIBUTES)})"]
    found = []
    for name, wanted in rule.items():
        if name in YES_NO_ATTRIBUTES:
            if not isinstance(wanted, bool):
                found.append(f"{name} must be true or false")
        elif name in LIST_ATTRIBUTES:
            allowed = LIST_ATTRIBUTES[name]
            values = wanted if isinstance(wanted, list) else [wanted]
            unknown = [v for v in values if v not in allowed]
            if not values or unknown:
                found.append(f"{name} must be a list of {', '.join(allowed)}")
        else:
            found.append(f"{name!r} is not a case attribute; use {', '.join(ATTRIBUTES)}")
    return found


def normalised(rule: Mapping | None) -> dict:
    """The rule with single values made lists, ready to store."""
    return {
        name: (wanted if name in YES_NO_ATTRIBUTES or isinstance(wanted, list) else [wanted])
        for name, wanted in (rule or {}).items()
    }


def applies(rule: Mapping | None, case: Mapping) -> bool:
    """Whether a rule applies to a case given as {attribute: value}."""
    for name, wanted in (rule or {}).items():
        value = case.get(name)
        if value is None or value == "":
            continue
        if name in YES_NO_ATTRIBUTES:
            if bool(value) != wanted:
                return False
        elif value not in wanted:
            return False
    return True


def case_facts(case) -> dict:
    """The attributes of a case object that rules read."""
    return {name: getattr(case, name, None) for name in ATTRIBUTES}
