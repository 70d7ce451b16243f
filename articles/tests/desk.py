"""Helpers for the desk tests: users in the real groups (made by the roles migration)."""

from django.contrib.auth.models import Group, User

EDITORS = "Editors"
REPORTERS = "Reporters"


def desk_user(group, username=None):
    """A staff user in ``group`` (Editors or Reporters), password "desk-password-1"."""
    user = User.objects.create_user(
        username or group.lower(), password="desk-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(client, group, username=None):
    user = desk_user(group, username)
    client.force_login(user)
    return user
