"""Each role's main navigation: (label, URL name). Links to pages not yet built are left out."""

from inspections.models import Role

NAVIGATION = {
    Role.OFFICER: [("My cases", "home"), ("Glossary", "glossary")],
    Role.MANAGER: [
        ("Home", "home"),
        ("Inspections", "inspection_list"),
        ("Over time", "service_trends"),
        ("Improvement plans", "plan_list"),
        ("Boards", "board_list"),
        ("Glossary", "glossary"),
    ],
    Role.BOARD_MEMBER: [
        ("Home", "home"),
        ("Improvement plans", "plan_list"),
        ("Boards", "board_list"),
        ("Over time", "service_trends"),
        ("Glossary", "glossary"),
    ],
    Role.INSPECTOR: [
        ("Home", "home"),
        ("Inspections", "inspection_list"),
        ("Over time", "service_trends"),
        ("Benchmark", "benchmark"),
        ("Frameworks", "framework_list"),
    ],
}


def navigation_for(role):
    return NAVIGATION.get(role, [("Home", "home")])
