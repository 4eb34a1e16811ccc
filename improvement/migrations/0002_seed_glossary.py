from django.db import migrations


def seed(apps, schema_editor):
    from improvement.glossary_seed import TERMS

    Term = apps.get_model("improvement", "Term")
    for term, meaning, definition in TERMS:
        Term.objects.get_or_create(term=term, defaults={"meaning": meaning, "definition": definition})


def unseed(apps, schema_editor):
    from improvement.glossary_seed import TERMS

    Term = apps.get_model("improvement", "Term")
    Term.objects.filter(term__in=[term for term, _, _ in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
