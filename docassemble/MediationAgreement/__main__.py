"""``python -m docassemble.MediationAgreement`` runs the command-line tool."""

from .cli.app import command_line

command_line()
