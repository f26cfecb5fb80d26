"""The adapter between docassemble and the engine: the only code that imports docassemble.

An interview's ``modules: [.da_adapter]`` brings in the names below.  The
adapter asks nothing and decides nothing; it turns interview answers into
case data and engine results into files, choices and messages:

* :mod:`.answers`: the mediator's interview (answers tree <-> case data, the
  choices offered, the draft and its downloads, case files);
* :mod:`.mediator_intake`: intake from the mediator's side (open the case
  for intake, the issues board, start the agreement from intake);
* :mod:`.mediator_round`: the review round from the mediator's side (send a
  draft to the parents, follow it, sign as the mediator, seal);
* :mod:`.intake`: a parent's intake (``parent_intake.yml``): the agreement to
  mediate, the private safety screening, their facts, issues and proposals;
* :mod:`.parent`: a parent's review (``parent_review.yml``);
* :mod:`.support`: the child support screens (the guideline, each parent's
  figures, the worksheet, the agreed terms);
* :mod:`.server`: the server configuration (clause libraries, the case
  store, the office seal, who may run review rounds).
"""

from __future__ import annotations

from .answers import (
    CaseAnswers,
    FindingAnswers,
    ParentAnswers,
    answers_to_data,
    case_file_download,
    case_file_text,
    check_answers,
    check_case,
    clause_choice_fields,
    draft_agreement,
    draft_downloads,
    draft_html,
    family_time_zone,
    field_path,
    load_case_upload,
    model_default,
    offered_choices,
    offers,
    parent_choices,
    pattern_has_weekends,
    safety_finding,
    section_of,
    summary,
    topic_heading,
)
from .intake import (
    agreement_pdf_file,
    agreement_points,
    check_contact,
    intake_answers_data,
    intake_link_status,
    issue_choices,
    issue_words,
    open_intake_link,
    own_progress,
    post_agreement,
    post_intake,
    post_screening,
    quick_exit_url,
    screening_fields,
)
from .mediator_intake import (
    board_view,
    fill_from_intake,
    intake_safety_flag,
    start_intake,
)
from .mediator_round import (
    ReviewRound,
    executed_agreement_file,
    may_run_round,
    mediator_consent,
    new_parent_link,
    post_mediator_signature,
    redline_file,
    round_state,
    round_view,
    seal_executed_agreement,
    send_draft_for_review,
)
from .parent import (
    ParentLink,
    both_parents_approved,
    consent_for,
    draft_pdf_file,
    executed_pdf_file,
    link_moved_on,
    open_parent_link,
    parent_link_status,
    post_comment,
    post_decision,
    post_signature,
    section_choices,
    staff_refusal,
)
from .server import configured_libraries
from .support import (
    apply_schedule_option,
    check_agreed_support,
    check_support_figures,
    guideline_choices,
    guideline_monthly,
    guideline_offered,
    guideline_payer,
    guideline_used,
    income_fields,
    options_html,
    schedule_option_choices,
    schedule_options_offered,
    worksheet_html,
)

__all__ = [
    "board_view",
    "fill_from_intake",
    "intake_safety_flag",
    "start_intake",
    "agreement_pdf_file",
    "agreement_points",
    "check_contact",
    "intake_answers_data",
    "intake_link_status",
    "issue_choices",
    "issue_words",
    "open_intake_link",
    "own_progress",
    "post_agreement",
    "post_intake",
    "post_screening",
    "quick_exit_url",
    "screening_fields",
    "CaseAnswers",
    "FindingAnswers",
    "ParentAnswers",
    "ParentLink",
    "ReviewRound",
    "answers_to_data",
    "apply_schedule_option",
    "both_parents_approved",
    "case_file_download",
    "case_file_text",
    "check_agreed_support",
    "check_answers",
    "check_case",
    "check_support_figures",
    "clause_choice_fields",
    "configured_libraries",
    "consent_for",
    "draft_agreement",
    "draft_downloads",
    "draft_html",
    "family_time_zone",
    "draft_pdf_file",
    "executed_agreement_file",
    "executed_pdf_file",
    "field_path",
    "guideline_choices",
    "guideline_monthly",
    "guideline_offered",
    "guideline_payer",
    "guideline_used",
    "income_fields",
    "link_moved_on",
    "load_case_upload",
    "may_run_round",
    "mediator_consent",
    "model_default",
    "new_parent_link",
    "offered_choices",
    "offers",
    "open_parent_link",
    "options_html",
    "parent_choices",
    "pattern_has_weekends",
    "parent_link_status",
    "post_comment",
    "post_decision",
    "post_mediator_signature",
    "redline_file",
    "post_signature",
    "round_state",
    "round_view",
    "safety_finding",
    "schedule_option_choices",
    "schedule_options_offered",
    "seal_executed_agreement",
    "section_choices",
    "staff_refusal",
    "section_of",
    "send_draft_for_review",
    "summary",
    "topic_heading",
    "worksheet_html",
]
