"""Improvement plans, boards and the glossary (see the improvement issue)."""
