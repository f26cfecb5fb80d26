import pytest
import yaml

from .answers import CaseFileAnswerer
from .conftest import ROOT
from .driver import BrowserInterview

pytestmark = [pytest.mark.e2e]
MEDIATOR = "docassemble.MediationAgreement:data/questions/mediation_agreement.yml"
def test_mediator(new_context, da_server, shots):
    page = new_context().new_page()
    page.goto(da_server.interview_url(MEDIATOR))
    data = yaml.safe_load((ROOT/"examples/cases/joint-two-children.yml").read_text())
    run = BrowserInterview(page, CaseFileAnswerer(data, extra={"start": {"start_from": "new"}, "schedule pattern": {"case.parenting_time.pattern.primary_parent": "a"}}), shots)
    final = run.run_until("draft")
    print([s.id for s in run.screens])
