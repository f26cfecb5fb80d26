"""Packaging for docassemble.MediationAgreement.

The interviews, templates and clause library live at the top of the repository
(where staff find them) and are reached from inside the package through the
symlinks ``docassemble/MediationAgreement/data/{questions,templates,sources/clauses}``,
so a docassemble server resolves ``docassemble.MediationAgreement:data/questions/<file>.yml``
from a wheel and from an editable install alike.  ``tests/test_packaging.py``
builds the wheel and checks the files are inside.
"""

import os
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
PACKAGE = HERE / "docassemble" / "MediationAgreement"


def package_data() -> list[str]:
    """Every data file under the package's data/ folder (following the symlinks)."""
    files = []
    for folder, _dirs, names in os.walk(PACKAGE / "data", followlinks=True):
        for name in names:
            path = Path(folder) / name
            if "__pycache__" not in path.parts:
                files.append(str(path.relative_to(PACKAGE)))
    return sorted(files) + ["py.typed"]


setup(
    name="docassemble.MediationAgreement",
    version="0.1.0",
    description="Mediated parenting agreements for child support offices and family mediators: "
    "clause library, interviews, review rounds, e-signatures and court cover sheets.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.12",
    packages=find_namespace_packages(include=["docassemble.MediationAgreement", "docassemble.MediationAgreement.*"]),
    package_data={"docassemble.MediationAgreement": package_data()},
    zip_safe=False,
    # Lower bounds only: a docassemble server pins its own versions of jinja2,
    # pyyaml, cryptography, sqlalchemy, python-docx and click, and these ranges
    # admit them (checked by tests/test_packaging.py against docassemble.webapp's pins).
    install_requires=[
        "pyyaml>=6.0",
        "jinja2>=3.1",
        "pypdf>=7.0",
        "pydantic>=2.7",
        "typst>=0.14",
        "python-docx>=1.1",
        "icalendar>=6.0",
        "sqlalchemy>=2.0",
        "cryptography>=42",
        "pyhanko>=0.25",
        "pillow>=10",  # signature images (signing.py); docassemble.base pins it too
        "click>=8.1",
        "phonenumbers>=8.13",  # docassemble.base pins it too
        "alembic>=1.13",  # the case store's schema (store/migrations); docassemble.base pins it too
        "pikepdf>=8",  # flattening filled forms (forms/flattening.py); docassemble.base pins it too
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "hypothesis>=6",
            "textstat>=0.7",
            "docassemble.base>=1.10",
            "dayamlchecker>=1.0",
            "psycopg2-binary>=2.9",
            "playwright>=1.40",
            "axe-playwright-python>=0.1.8",  # axe-core on every screen the browser tests reach
            "build>=1.0",
            "ruff>=0.6",
            "aiosmtpd>=1.4",  # a real SMTP server on 127.0.0.1 for the e-mail tests (and `make serve`'s mailbox)
        ],
        "postgres": ["psycopg2-binary>=2.9"],
    },
    entry_points={"console_scripts": ["mediation-agreement=docassemble.MediationAgreement.cli:command_line"]},
)
