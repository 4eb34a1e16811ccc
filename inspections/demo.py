"""Demo services and accounts for `manage.py load_demo`. Fictional; safe to run again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .framework_definition import read_framework_file
from .models import Membership, Role, Service
from .services import framework_load

SHIPPED_FRAMEWORKS = ["cci-2009.yaml", "hmip-2018.yaml"]

DEMO_SERVICES = [
    {"slug": "northshire", "name": "Northshire Youth Justice Service", "local_authority": "Northshire County Council"},
    {
        "slug": "eastbridge",
        "name": "Eastbridge Youth Offending Service",
        "local_authority": "Eastbridge Borough Council",
    },
]

# username, full name, {service slug: role}
DEMO_PEOPLE = [
    ("officer", "Olivia Okafor", {"northshire": Role.OFFICER}),
    ("manager", "Marcus Hale", {"northshire": Role.MANAGER}),
    ("board", "Beatrice Lund", {"northshire": Role.BOARD_MEMBER}),
    ("inspector", "Imran Shah", {"northshire": Role.INSPECTOR, "eastbridge": Role.INSPECTOR}),
    ("officer2", "Owen Price", {"eastbridge": Role.OFFICER}),
    ("manager2", "Maya Fernandes", {"eastbridge": Role.MANAGER}),
    ("board2", "Bernard Cole", {"eastbridge": Role.BOARD_MEMBER}),
    ("inspector2", "Ingrid Novak", {"eastbridge": Role.INSPECTOR}),
    # More case managers and assessors, so a sample can be spread and nobody scores their own case.
    ("casemanager1", "Chloe Adeyemi", {"northshire": Role.OFFICER}),
    ("casemanager2", "Daniel Murphy", {"northshire": Role.OFFICER}),
    ("assessor", "Aisha Begum", {"northshire": Role.OFFICER}),
]


@transaction.atomic
def create_services_and_people(password):
    """Create or refresh the demo services and accounts.

    Returns ({slug: service}, {username: user}, [(username, what they are)]).
    """
    services = {}
    for spec in DEMO_SERVICES:
        services[spec["slug"]], _ = Service.objects.update_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "local_authority": spec["local_authority"]}
        )
    user_model = get_user_model()
    accounts, people = [], {}
    for username, full_name, roles in DEMO_PEOPLE:
        first, last = full_name.split(" ", 1)
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@demo.yos-audit.invalid"
        user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        people[username] = user
        for slug, role in roles.items():
            membership, _ = Membership.objects.get_or_create(user=user, service=services[slug], defaults={"role": role})
            if membership.role != role:  # saved only when changed, so its record does not grow on each run
                membership.role = role
                membership.save()
        described = ", ".join(f"{Role(role).label} in {services[slug].name}" for slug, role in roles.items())
        accounts.append((username, described))
    return services, people, accounts


def load_shipped_frameworks():
    """The frameworks that ship in frameworks/ (unchanged ones are left as they are)."""
    return [
        framework_load(definition=read_framework_file(settings.BASE_DIR / "frameworks" / name))[0]
        for name in SHIPPED_FRAMEWORKS
    ]
