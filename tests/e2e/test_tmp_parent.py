import os
import re
import subprocess
import sys

import pytest

from .answers import CaseFileAnswerer
from .conftest import ROOT
from .driver import BrowserInterview

pytestmark = [pytest.mark.e2e]
REVIEW = "docassemble.MediationAgreement:data/questions/parent_review.yml"
def cli(env, *args):
    r = subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", *args], capture_output=True, text=True, env={**os.environ, **env})
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout
def parent(comment):
    return CaseFileAnswerer({}, extra={
        "any comments": {"parent_comments.there_are_any": True},
        "comment": {"parent_comments[0].section": lambda offered: offered[0], "parent_comments[0].text": comment, "parent_comments[0].private": "False"},
        "another comment": {"parent_comments.there_is_another": False},
        "decision": {"decision": "approve"},
        "sign intent": {"sign_intent": True, "sign_method": "drawn"},
    })
def test_parent(new_context, da_server, shots, tmp_path):
    env = {"MEDIATION_STORE_URL": da_server.info["store"]["url"], "MEDIATION_STORE_KEY": da_server.info["store"]["key"]}
    out = cli(env, "case", "new", str(ROOT/"examples/cases/joint-two-children.yml"))
    case_id = re.search(r"opened case (\S+):", out).group(1)
    tokens = re.findall(r"(mat_[A-Za-z0-9_-]+)", out); print(out)
    out = cli(env, "case", "draft", case_id, "--out", str(tmp_path))
    pa = new_context(phone=True).new_page()
    pa.goto(da_server.interview_url(REVIEW, case=case_id, token=tokens[0]))
    a = BrowserInterview(pa, parent("Can we swap the first weekend?"), shots, label="a-")
    a.run_until("waiting for the other parent")
    pb = new_context(phone=True).new_page()
    pb.goto(da_server.interview_url(REVIEW, case=case_id, token=tokens[1]))
    b = BrowserInterview(pb, parent("Looks right to me."), shots, label="b-")
    b.run_until("You signed the agreement")
    print([s.id for s in a.screens], [s.id for s in b.screens])
    a.page.get_by_role("button", name="Check again").click()
    a.page.wait_for_selector("text=Before you sign")
    a.run_until("You signed the agreement")
    from pki import make_pki
    paths = make_pki().write(tmp_path / "pki")
    out = cli(env, "case", "show", case_id); print(out)
    sha = re.search(r"sha256 ([0-9a-f]{64})", cli(env, "case", "show", case_id)).group(1)
    print(cli(env, "case", "sign", case_id, "--mediator", "--draft", "1", "--sha256", sha, "--typed-name", "Dana Whitfield", "--confirm-intent"))
    senv = {**env, "MEDIATION_SIGNING_KEY": str(paths["key"]), "MEDIATION_SIGNING_CERT": str(paths["cert"]), "MEDIATION_SIGNING_CHAIN": str(paths["ca"])}
    print(cli(senv, "case", "finalize", case_id, "--out", str(tmp_path / "executed.pdf")))
    print(cli(env, "verify", str(tmp_path / "executed.pdf"), "--trust", str(paths["ca"]), "--store", env["MEDIATION_STORE_URL"]))
