"""Referrals: the office's directory of community resources, and the ones given to each parent.

``directory``: one YAML file per resource, folders laid over each other, linted
with file and line.  ``picks``: the mediator's picks for one parent, private
to that parent (domestic-violence resources always are).
"""

from .directory import KINDS, PRIVATE_KINDS, Directory, Resource, default_directory, lint_directory, load_directory, read_directory
from .picks import GIVEN, give_referrals, given_in, my_referrals, referrals_given

__all__ = [
    "GIVEN",
    "KINDS",
    "PRIVATE_KINDS",
    "Directory",
    "Resource",
    "default_directory",
    "give_referrals",
    "given_in",
    "lint_directory",
    "load_directory",
    "my_referrals",
    "read_directory",
    "referrals_given",
]
