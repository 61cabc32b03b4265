"""Object permissions, registered with the ``rules`` package at start-up."""

from tildel.accounts import access  # noqa: F401  (registers people.view_person)
