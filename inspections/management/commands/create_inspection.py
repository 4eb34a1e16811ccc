"""Create an inspection from the command line and print its id."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.models import Framework, Inspection, InspectionKind, Service
from inspections.services import inspection_create


class Command(BaseCommand):
    help = "Create an inspection or audit of a service. Prints the new inspection's id."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help="the service's slug")
        parser.add_argument("--framework", required=True, help="CODE or CODE:VERSION (newest version if omitted)")
        parser.add_argument("--kind", required=True, choices=InspectionKind.values)
        parser.add_argument("--title", required=True)
        parser.add_argument("--follows", type=int, help="id of the inspection this one follows up")

    def handle(self, *args, **options):
        try:
            service = Service.objects.get(slug=options["service"])
        except Service.DoesNotExist:
            raise CommandError(f"No service has the slug {options['service']!r}.") from None
        code, _, version = options["framework"].partition(":")
        frameworks = Framework.objects.filter(code=code)
        if version:
            frameworks = frameworks.filter(version=version)
        framework = frameworks.order_by("-loaded_at").first()
        if framework is None:
            raise CommandError(f"No framework {options['framework']!r} is loaded. Load it with load_framework.")
        follows = None
        if options["follows"]:
            follows = Inspection.objects.filter(pk=options["follows"]).first()
            if follows is None:
                raise CommandError(f"No inspection has the id {options['follows']}.")
        try:
            inspection = inspection_create(
                service=service,
                created_by=None,
                framework=framework,
                kind=options["kind"],
                title=options["title"],
                follows=follows,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(str(inspection.pk))
