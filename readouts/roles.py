"""The three roles, as groups with exactly their permissions.

Viewer: sees everything in the admin. Editor: adds and changes every curated
record, deletes statements and attendances. Administrator: everything,
users and groups included. Members also need "staff status" to sign in.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CURATED = [
    "meeting",
    "participant",
    "attendance",
    "publisher",
    "readout",
    "statement",
    "topic",
    "record",
]


def _codenames(actions: list[str], models: list[str]) -> Q:
    return Q(
        content_type__app_label="readouts",
        codename__in=[f"{action}_{model}" for action in actions for model in models],
    )


VIEW_ALL = _codenames(["view"], CURATED) | Q(
    content_type__app_label="audit", codename="view_loadrun"
)

ROLES = {
    "Viewer": VIEW_ALL,
    "Editor": VIEW_ALL
    | _codenames(["add", "change"], CURATED)
    | _codenames(["delete"], ["statement", "attendance"]),
    "Administrator": Q(content_type__app_label__in=["readouts", "audit", "auth"]),
}


def ensure_roles(**kwargs) -> None:
    """Create or correct the groups; safe to run any number of times."""
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(permissions))
