import os, re, subprocess, sys
import pytest
from .conftest import ROOT
from .pages import heading, submit, screen_text, draw_signature
pytestmark = [pytest.mark.e2e]
REVIEW = "docassemble.MediationAgreement:data/questions/parent_review.yml"
def cli(env, *args):
    r = subprocess.run([sys.executable, "-m", "docassemble.MediationAgreement", *args], capture_output=True, text=True, env={**os.environ, **env})
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout
def test_parent(new_context, da_server, shots, tmp_path):
    env = {"MEDIATION_STORE_URL": da_server.info["store"]["url"], "MEDIATION_STORE_KEY": da_server.info["store"]["key"]}
    out = cli(env, "case", "new", str(ROOT/"examples/cases/joint-two-children.yml"))
    case_id = re.search(r"opened case (\S+):", out).group(1)
    tokens = re.findall(r"\b(mat_\w+)", out)
    out = cli(env, "case", "draft", case_id, "--out", str(tmp_path))
    print(out)
    page = new_context(phone=True).new_page()
    page.goto(da_server.interview_url(REVIEW, case=case_id, token=tokens[0]))
    shots.take(page, "welcome")
    print(heading(page))
    open("/tmp/welcome.html","w").write(page.locator("#daform").evaluate("e=>e.outerHTML"))
    submit(page)
    shots.take(page, "draft")
    print(heading(page))
    open("/tmp/draft.html","w").write(page.locator("#daform").evaluate("e=>e.outerHTML"))
