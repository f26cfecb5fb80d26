"""``python -m docassemble.MediationAgreement`` runs the command-line tool."""

from .cli import main

raise SystemExit(main())
