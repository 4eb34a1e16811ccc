"""The glossary's first terms, loaded by a data migration (and by the demo); managers add, change
and remove terms afterwards. Their one definition is inspections.glossary, which every layer can read."""

from inspections.glossary import NATIONAL_TERMS as TERMS

__all__ = ["TERMS"]
