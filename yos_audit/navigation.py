"""Each role's main navigation: (label, URL name). Links to pages not yet built are left out."""

from inspections.models import Role

NAVIGATION = {
    Role.OFFICER: [
        ("My cases", "home"),
        ("Feedback on my cases", "cases:my_feedback"),
        ("Glossary", "improvement:glossary"),
    ],
    Role.MANAGER: [
        ("Home", "home"),
        ("Inspections", "inspections:inspection_list"),
        ("Over time", "cases:service_trends"),
        ("Improvement plans", "improvement:plan_list"),
        ("Boards", "improvement:board_list"),
        ("Safeguarding concerns", "cases:concern_register"),
        ("People", "inspections:invitation_list"),
        ("Glossary", "improvement:glossary"),
    ],
    Role.BOARD_MEMBER: [
        ("Home", "home"),
        ("Improvement plans", "improvement:plan_list"),
        ("Boards", "improvement:board_list"),
        ("Over time", "cases:service_trends"),
        ("Glossary", "improvement:glossary"),
    ],
    Role.INSPECTOR: [
        ("Home", "home"),
        ("Inspections", "inspections:inspection_list"),
        ("Over time", "cases:service_trends"),
        ("Benchmark", "cases:benchmark"),
        ("Frameworks", "inspections:framework_list"),
    ],
}


def navigation_for(role):
    return NAVIGATION.get(role, [("Home", "home")])
