"""A realistic sample :class:`AgreementDocument`, built directly (no clause library).

Renderer tests, and any other test that needs a finished document without
running assembly, build one here::

    from doc_fixtures import sample_agreement, HOSTILE_NAME

    doc = sample_agreement()                        # a draft, about 6 pages
    doc = sample_agreement(draft=False, extra_sections=6)   # final, about 11 pages
    doc = sample_agreement(parent_a_name=HOSTILE_NAME)      # markup in a name

The text follows the shape of a real stipulated parenting plan (recitals,
decision-making, parenting time with a holiday table, exchanges, child
support, health care, communication, disputes, general terms) so page breaks,
tables and lists fall where they would in practice.  Names and places are
invented.
"""

from __future__ import annotations

from dataclasses import replace

from docassemble.MediationAgreement.assembly.document import (
    AgreementDocument,
    Block,
    BulletList,
    ClauseBlock,
    Paragraph,
    Section,
    SignatureLine,
    Table,
)

#: A party name made of markup from every language the renderers deal with:
#: Typst code, Typst markup (strong, math, reference, label), HTML and Jinja.
HOSTILE_NAME = "Eve #set text(red) *x* $x$ @ref <label> <b>x</b> {{x}} & Co"

#: Pieces of :data:`HOSTILE_NAME` that must survive rendering literally.
HOSTILE_PIECES = ("#set text(red)", "*x*", "$x$", "@ref", "<label>", "<b>x</b>", "{{x}}")

SECTION_TITLES = (
    ("recitals", "Recitals"),
    ("decision_making", "Legal Decision-Making"),
    ("parenting_time", "Parenting Time"),
    ("exchanges", "Exchanges and Transportation"),
    ("child_support", "Child Support"),
    ("health", "Health Care and Insurance"),
    ("communication", "Communication Between the Parents"),
    ("disputes", "Resolving Disagreements"),
    ("general", "General Provisions"),
)


def _clauses(topic: str, a: str, b: str, child: str) -> list[tuple[str, str, tuple[Block, ...]]]:
    """(id suffix, title, blocks) for each clause of a topic."""
    holiday = Table(
        ("Holiday", "Even years", "Odd years"),
        (
            ("Thanksgiving (Wednesday 6:00 p.m. to Sunday 6:00 p.m.)", a, b),
            ("Winter break, first half", b, a),
            ("Winter break, second half", a, b),
            ("Spring break", a, b),
            ("Mother's Day weekend", a, a),
            ("Father's Day weekend", b, b),
            (f"{child}'s birthday (3:00 p.m. to 7:00 p.m.)", a, b),
            ("Independence Day (July 4, 9:00 a.m. to July 5, 9:00 a.m.)", b, a),
            ("Halloween (3:00 p.m. to 9:00 p.m.)", a, b),
        ),
    )
    overnights = Table(
        ("Parent", "Overnights per year", "Share"),
        ((a, "183", "50.1%"), (b, "182", "49.9%")),
    )
    return {
        "recitals": [
            ("parties", "The parents", (Paragraph(f"{a} and {b} are the parents of {child}, born April 12, 2016. They separated in 2025 and now live apart in Maricopa County, Arizona."),)),
            ("purpose", "Purpose", (Paragraph("The parents met with a neutral mediator to decide how they will share the care of their child and the costs of raising her. This agreement records every decision they reached. Each parent entered into it voluntarily, after full disclosure of income and with the opportunity to consult a lawyer."),)),
            ("best_interests", "Best interests", (Paragraph(f"The parents agree that the arrangements in this agreement are in {child}'s best interests, and that {child} benefits from frequent, meaningful and continuing contact with both parents."),)),
        ],
        "decision_making": [
            ("joint", "Joint legal decision-making", (
                Paragraph(f"{a} and {b} share joint legal decision-making for {child}. Each parent will consult the other in good faith before any major decision and neither will make such a decision alone except in an emergency."),
                Paragraph("Major decisions include:"),
                BulletList((
                    "education, including the choice of school and any special education plan;",
                    "non-emergency health care, including mental health care and elective procedures;",
                    "religious upbringing; and",
                    "extracurricular activities that cost more than $150 a month or take place during the other parent's time.",
                )),
            )),
            ("tie_breaker", "If the parents cannot agree", (Paragraph(f"If, after consulting in good faith for at least fourteen days, the parents still cannot agree on a major decision about education, {a} may make the final decision. Either parent may ask the mediator or the court to review that decision."),)),
            ("day_to_day", "Day-to-day decisions", (Paragraph(f"Each parent makes the day-to-day decisions about {child} while {child} is in that parent's care, including bedtimes, meals, homework routines and ordinary discipline."),)),
            ("records", "Access to records", (Paragraph(f"Both parents have equal access to {child}'s school, medical, dental and counselling records and may speak with teachers and providers directly. Neither parent will ask a provider to withhold information from the other parent."),)),
        ],
        "parenting_time": [
            ("regular", "Regular schedule", (
                Paragraph(f"{child} lives with each parent on alternating weeks. Each week begins on Monday at 6:00 p.m. The first week, beginning November 30, 2026, is {a}'s week."),
                Paragraph("Over a year this schedule gives:"),
                overnights,
            )),
            ("midweek", "Midweek visit", (Paragraph(f"During each parent's week, the other parent may spend Wednesday from the end of school until 7:30 p.m. with {child}, and will take {child} back to the parent whose week it is."),)),
            ("holidays", "Holidays and special days", (
                Paragraph("The holiday schedule below takes priority over the regular schedule. When a holiday falls in the other parent's week, the regular schedule resumes when the holiday ends."),
                holiday,
            )),
            ("vacations", "Summer vacation", (Paragraph("Each parent may take up to two non-consecutive weeks of vacation with the child each summer, giving the other parent written notice by April 1. If both parents choose the same week, the parent who gave notice first has priority; in a tie, the mother has priority in even years and the father in odd years."),)),
            ("travel", "Travel", (
                Paragraph("A parent travelling overnight with the child outside Arizona will give the other parent, at least seven days in advance:"),
                BulletList((
                    "the dates of travel and the destination;",
                    "an address and telephone number where the child can be reached; and",
                    "flight or travel details, if any.",
                )),
            )),
            ("right_of_first_refusal", "Right of first refusal", (Paragraph("If a parent cannot personally care for the child for six hours or more during that parent's time, that parent will first offer the time to the other parent before arranging other childcare."),)),
        ],
        "exchanges": [
            ("place", "Where exchanges happen", (Paragraph("On school days the parent whose time is ending takes the child to school and the other parent collects the child after school. On other days exchanges take place at the front entrance of the Mesa Public Library, 64 E 1st St, Mesa, Arizona."),)),
            ("lateness", "Lateness", (Paragraph("A parent who will be more than fifteen minutes late will tell the other parent as soon as possible. After forty-five minutes without word, the waiting parent may leave and the exchange takes place at the next school day."),)),
            ("belongings", "Belongings", (Paragraph("Clothing, school materials, medication and comfort items travel with the child. Neither parent will withhold the child's belongings from the other."),)),
        ],
        "child_support": [
            ("amount", "Amount", (Paragraph(f"{b} will pay {a} child support of $412.50 each month, beginning December 1, 2026. This amount follows the Arizona Child Support Guidelines; the worksheet is attached as Exhibit A."),)),
            ("method", "How support is paid", (Paragraph("Support is paid by income withholding through the Arizona Support Payment Clearinghouse. Until withholding begins, the paying parent will pay directly to the Clearinghouse so that every payment is recorded."),)),
            ("duration", "How long support continues", (Paragraph("Support continues until the child turns eighteen or, if the child is still attending high school at eighteen, until the child graduates or turns nineteen, whichever happens first."),)),
            ("extras", "Shared costs", (
                Paragraph("In addition to monthly support, the parents share these costs in proportion to their incomes (55% and 45%):"),
                BulletList((
                    "childcare needed for a parent's work or education;",
                    "school fees, supplies and field trips over $25;",
                    "agreed extracurricular activities; and",
                    "tutoring the parents agree on in writing.",
                )),
                Paragraph("A parent who pays a shared cost will send the other parent a copy of the receipt within thirty days; the other parent will reimburse their share within thirty days of receiving it."),
            )),
            ("tax", "Tax dependency exemption", (Paragraph(f"{a} may claim the child as a dependant for federal and state income tax purposes in every year in which {b} is current with support on December 31."),)),
        ],
        "health": [
            ("insurance", "Health insurance", (Paragraph(f"{a} will keep {child} enrolled in the health, dental and vision insurance available through her employer for as long as it is available at reasonable cost. {b} will reimburse {a} for 45% of the premium attributable to {child}."),)),
            ("uninsured", "Uninsured costs", (Paragraph("The parents share medical, dental, vision, orthodontic and counselling costs not paid by insurance: 50% each. A parent who receives a bill will send it to the other within thirty days."),)),
            ("emergencies", "Emergencies", (Paragraph("Either parent may consent to emergency treatment. The parent with the child will tell the other parent as soon as the child is safe."),)),
        ],
        "communication": [
            ("channel", "How the parents communicate", (Paragraph("The parents communicate about the child by email, and in an emergency by telephone. Each parent will reply to a message that needs an answer within forty-eight hours."),)),
            ("child_contact", "Contact with the other parent", (Paragraph("The child may telephone or video-call the other parent at reasonable times, and each parent will help the child do so between 7:00 p.m. and 8:00 p.m. on at least two evenings a week."),)),
            ("respect", "Respect", (Paragraph("Neither parent will speak badly of the other parent, or allow others to do so, in the child's hearing. Neither parent will use the child to carry messages or money between them."),)),
        ],
        "disputes": [
            ("mediation", "Mediation first", (Paragraph("Before asking the court to change this agreement, except in an emergency, the parents will try to resolve a disagreement in mediation through the County Child Support Mediation Office or another mediator they agree on."),)),
            ("review", "Annual review", (Paragraph("The parents will review the parenting schedule each year before the start of the school year and may change it by a written agreement signed by both of them."),)),
        ],
        "general": [
            ("entire", "Entire agreement", (Paragraph("This document is the whole agreement between the parents about the matters it covers. It replaces any earlier oral or written arrangement about those matters."),)),
            ("court", "Approval by the court", (Paragraph("The parents will ask the court to approve this agreement and make it an order. Until then they will follow it as a binding agreement between them."),)),
            ("relocation", "Moving", (Paragraph("A parent who intends to move the child's residence more than 100 miles away, or out of Arizona, will give the other parent at least 60 days' written notice as the law requires."),)),
            ("severability", "If part of this agreement is invalid", (Paragraph("If a court finds any part of this agreement unenforceable, the rest of the agreement remains in effect."),)),
        ],
    }[topic]


def _filler_section(number: int, a: str, b: str) -> Section:
    """An extra section of ordinary prose, to make a long document."""
    clauses = tuple(
        ClauseBlock(
            f"schedule.extra_{number}_{i}",
            f"{number}.{i}",
            f"Additional arrangement {i}",
            (
                Paragraph(
                    f"During school term the parents follow the calendar of the child's school district. {a} and {b} "
                    "will each keep a copy of the school calendar and will tell each other of any change within a week of learning of it. "
                    "Where a school closure falls at the start or end of a parent's week, the closure day belongs to the parent whose week is ending."
                ),
                Paragraph(
                    "Nothing in this part changes the holiday schedule; where the two conflict, the holiday schedule applies. "
                    "The parents may agree in writing to trade days, and a trade is not a change to this agreement."
                ),
            ),
        )
        for i in range(1, 6)
    )
    return Section(f"extra_{number}", number, f"Additional Arrangements {number}", clauses)


def sample_agreement(
    *,
    draft: bool = True,
    initials_each_page: bool = True,
    parent_a_name: str = "Alex Rivera",
    parent_b_name: str = "Sam Rivera",
    extra_sections: int = 0,
    date_iso: str | None = "2026-11-20",
) -> AgreementDocument:
    """A complete agreement between two parents, mother as petitioner.

    ``extra_sections`` appends sections of five clauses each (about two thirds
    of a page per section) for tests that need a long document.  The short
    labels used on every page are "Mother" and "Father"; the child is "Maya".
    """
    a, b, child = parent_a_name, parent_b_name, "Maya"
    sections = []
    for number, (topic, heading) in enumerate(SECTION_TITLES, start=1):
        clauses = tuple(
            ClauseBlock(f"{topic}.{suffix}", f"{number}.{i}", title, blocks)
            for i, (suffix, title, blocks) in enumerate(_clauses(topic, "Mother", "Father", child), start=1)
        )
        if topic == "recitals":
            clauses = tuple(replace(c, blocks=tuple(_name(bl, a, b) for bl in c.blocks)) if c.number == "1.1" else c for c in clauses)
        sections.append(Section(topic, number, heading, clauses))
    for extra in range(extra_sections):
        sections.append(_filler_section(len(SECTION_TITLES) + extra + 1, "Mother", "Father"))
    metadata = {"office": "County Child Support Mediation Office", "document_kind": "stipulation", "library": "base"}
    if date_iso is not None:
        metadata["date_iso"] = date_iso
    statement = "I have read this agreement, I understand it, and I sign it voluntarily."
    return AgreementDocument(
        title="Stipulated Parenting Plan and Child Support Agreement",
        subtitle="Reached in mediation",
        court_caption=("Superior Court of Arizona", "In and for the County of Maricopa", "Case No. FC2026-000123"),
        parties_line=f"{a} (“Mother”), Petitioner, and {b} (“Father”), Respondent",
        preamble=(
            Paragraph(
                "This agreement was reached in mediation. The parents ask the court to adopt it as the parenting plan and child support order in this case."
            ),
        ),
        sections=tuple(sections),
        signatures=(
            SignatureLine("a", a, "Mother and Petitioner", statement),
            SignatureLine("b", b, "Father and Respondent", statement),
            SignatureLine(
                "mediator",
                "Dana Whitfield",
                "Mediator, County Child Support Mediation Office",
                "I mediated this agreement as a neutral. I do not represent either parent and gave no legal advice.",
            ),
        ),
        draft=draft,
        date_text="November 20, 2026",
        initials_each_page=initials_each_page,
        initials_labels=("Mother", "Father"),
        metadata=metadata,
    )


def _name(block: Block, a: str, b: str) -> Block:
    """Put the parents' full names into the first recital (where a real agreement names them)."""
    if isinstance(block, Paragraph):
        return Paragraph(block.text.replace("Mother and Father", f"{a} (“Mother”) and {b} (“Father”)", 1))
    return block
