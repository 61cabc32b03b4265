"""The casework fixtures: an office, its users and a home-nursing unit."""

from tests.casework.conftest import easter, office  # noqa: F401
