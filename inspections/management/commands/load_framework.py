"""Load a framework definition (YAML) into the database, after checking all of it."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inspections.framework_definition import FrameworkDefinitionError, read_framework_file
from inspections.services import framework_load


class Command(BaseCommand):
    help = "Check and load a framework definition file (YAML). Loads nothing if any problem is found."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="+", help="framework definition file(s), e.g. frameworks/cci-2009.yaml")

    def handle(self, *args, **options):
        for path in options["file"]:
            try:
                definition = read_framework_file(path)
                framework, created = framework_load(definition=definition)
            except FrameworkDefinitionError as error:
                raise CommandError(str(error)) from error
            except ValidationError as error:
                raise CommandError(f"{path}: {' '.join(error.messages)}") from error
            questions = sum(len(area.questions) for area in definition.areas)
            verb = "Loaded" if created else "Already loaded, unchanged:"
            self.stdout.write(
                f"{verb} {framework.name} (code {framework.code}, version {framework.version}): "
                f"{len(definition.areas)} areas, {questions} questions."
            )
