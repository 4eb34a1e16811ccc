"""Refusing stale saves: one way for every record people edit on a page.

The page carries the record's `version` as it read it. Saving claims the next version with a
conditional UPDATE (`... WHERE pk = %s AND version = %s`); when someone else saved in between,
nothing matches, nothing is written and `StaleEdit` says who changed it, so the page can show the
person what changed while keeping what they typed. On PostgreSQL the second of two overlapping
saves waits on the first one's row lock, then finds the version moved on.
"""

import hashlib
from types import SimpleNamespace

from django import forms
from django.db.models import F
from django.utils import timezone

from .people import display_name


class StaleEdit(Exception):
    """The record changed since the person read it (at `version`): their save is refused, not merged."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{type(current).__name__} {current.pk} changed since it was read")


def claim_version(obj, version):
    """Move `obj`'s version on from `version` (the one the page showed), or raise StaleEdit.

    `version` None means the caller read the record itself in this transaction (a command or an
    internal change): the version is simply moved on.
    """
    model = type(obj)
    rows = model.objects.filter(pk=obj.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit(model.objects.get(pk=obj.pk))
    obj.version = model.objects.filter(pk=obj.pk).values_list("version", flat=True).get()


def fingerprint(*values) -> int:
    """A version for what a page read when the record keeps no version of its own (a service's set
    of safeguarding roles, a case's holder, feedback with its parts): a number that changes with
    any of `values`, carried by the page in its `version` field and compared before saving."""
    return int(hashlib.sha256(repr(values).encode()).hexdigest()[:12], 16)


def snapshot(*, version, history=None, **attributes):
    """What `refuse_stale` shows for a record read by `fingerprint`: its attributes as the form
    names them, the version to save over, and the record of changes that says who changed it."""
    return SimpleNamespace(pk=None, version=version, history=history, **attributes)


class VersionField(forms.IntegerField):
    """The hidden field that carries the version the page showed."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, min_value=0, **kwargs)


class VersionedModelForm:
    """A ModelForm mixin: a hidden `version` field showing the instance's version, kept out of
    `changes()` (the cleaned data to save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = VersionField()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def last_changed_by(obj):
    """'Name, 14:05' for the record's latest change, from its history, or ''."""
    history = getattr(obj, "history", None)
    last = history.select_related("history_user").first() if history is not None else None
    if last is None or last.history_user is None:
        return ""
    return f"{display_name(last.history_user)}, {timezone.localtime(last.history_date):%H:%M}"


def _shown(value):
    if value is None or value == "":
        return "(blank)"
    if hasattr(value, "all"):
        return ", ".join(str(v) for v in value.all()) or "(none)"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def refuse_stale(form, current, what, attributes=None):
    """Keep the person's input in `form`, point its version at `current`'s, and say what changed.

    `attributes` maps a form field to the record's attribute when the names differ. Saving the
    form again (knowingly) then replaces the other person's change.
    """
    attributes = attributes or {}
    data = form.data.copy()
    data[form.add_prefix("version")] = current.version
    form.data = data
    changed = []
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for name, field in form.fields.items():
        attribute = attributes.get(name, name)
        if name == "version" or not hasattr(current, attribute) or name not in cleaned:
            continue
        now = getattr(current, attribute)
        typed = cleaned[name]
        if hasattr(now, "all"):
            same = {getattr(v, "pk", v) for v in now.all()} == {getattr(v, "pk", v) for v in (typed or [])}
        else:
            same = (getattr(now, "pk", now) or "") == (getattr(typed, "pk", typed) or "")
        if not same:
            changed.append(f"{field.label or name.replace('_', ' ').capitalize()} is now {_shown(now)}")
    who = last_changed_by(current)
    message = (
        f"Someone else changed this {what} while you were editing it{f' ({who})' if who else ''}. "
        "Your changes are not saved yet: they are shown below as you typed them."
    )
    if changed:
        message += " What changed: " + "; ".join(changed) + "."
    message += " Save again to replace it with what is below."
    form.add_error(None, message)
    return form
