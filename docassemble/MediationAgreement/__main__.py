"""``python -m docassemble.MediationAgreement`` runs the command-line tool."""

from .cli.app import main

raise SystemExit(main())
