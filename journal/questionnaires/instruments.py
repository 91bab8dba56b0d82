"""The validated questionnaires, each declared ONCE as data: items in their published wording, response
options with their values, the scoring rule, the published bands, attribution and licence, recall period.

Pure: no database, no Flask. Everything else (forms, pages, storage, FHIR) is derived from `INSTRUMENTS`.

Where each came from (checked with the project's search tool on 2026-12-03; see also README "Questionnaires"
and /work/shared/reference/outcomes-and-standards.md, section 2):

- WHO-5: items, the 0–5 options and "raw × 4" from the WHO-5 as reproduced by smaat.eu/library/scales/who-5,
  psytoolkit.org/survey-library/who5.html and mysignposts.com.au/portal/who-5 (the Psychiatric Research Unit,
  Mental Health Centre North Zealand, Hillerød, publishes the questionnaire: psykiatri-regionh.dk/who-5).
  Bands: raw < 13 (percentage < 50) or any item 0–1 = poor wellbeing, a reason to look further
  (mysignposts; reference notes); "≤ 28 suggests a depressive episode" (smaat.eu); a 10-point change in
  the percentage is meaningful (reference notes, medicalalgorithms.com / valant). Licence: "Public domain.
  The source must be mentioned" (INSPQ, per the reference notes); smaat.eu: "free for unrestricted use".
- PHQ-9 and GAD-7: wording as on the Pfizer forms (reproduced by ementalhealth.ca, the NHS Central Medical
  Centre Morden form, scales.arabpsychology.com, 22zero.org); bands 5/10/15/20 (PHQ-9) and 5/10/15 (GAD-7)
  from Kroenke 2001 / Spitzer 2006 as summarised by those pages and the reference notes. Notice: "Developed
  by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant
  from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
- UCLA 3-item: Hughes, Waite, Hawkley & Cacioppo (2004), Research on Aging 26(6) 655–672 (studylib copy of
  the article; edmoloney.me). Options hardly ever 1 / some of the time 2 / often 3. The 6–9 "lonely" grouping
  is a convention (reference notes cite the UK ONS loneliness guidance); it is not in Hughes 2004 itself.
- MSPSS: Zimet, Dahlem, Zimet & Farley (1988), J Pers Assess 52(1) 30–41 (scribd copy of the article);
  item wording and 1–7 options as reproduced by coached.com/tools/perceived-social-support-mspss and the
  afterdeployment.org sheet; subscales SO 1,2,5,10 / Family 3,4,8,11 / Friends 6,7,9,12 and the mean score
  from the reference notes (gzimet.wixsite.com/mspss). Bands low 1–2.9, moderate 3–5, high 5.1–7 as on
  coached.com; the author publishes no population norms. "The MSPSS is free to use. Please simply credit".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str  # "q1"…; the form field name and the FHIR linkId
    text: str
    options: tuple[Option, ...]
    scored: bool = True
    required: bool = True


@dataclass(frozen=True)
class Band:
    low: float  # inclusive
    high: float  # inclusive
    name: str  # the published label
    words: str  # what it means, in plain words


@dataclass(frozen=True)
class Instrument:
    code: str  # "who5": URLs, the stored instrument column
    name: str
    short: str  # "WHO-5"
    about: str
    instructions: str
    recall: str | None  # the recall period, or None
    items: tuple[Item, ...]
    score_low: float
    score_high: float
    score_unit: str  # "" or "%"
    higher_is: str  # "better" or "worse" for the member: what an upward trend means
    bands: tuple[Band, ...]
    attribution: str
    licence: str
    source_url: str
    loinc: tuple[str, str] | None  # (code, display) of the total score, only where verified
    default_every_weeks: int = 0  # 0: not offered until the member asks for it
    meaningful_change: float | None = None
    subscales: dict[str, tuple[int, ...]] = field(default_factory=dict)  # name -> item numbers (1-based)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scored)


@dataclass(frozen=True)
class Score:
    """The result of one completed questionnaire."""

    total: float  # the reported score (WHO-5: the percentage; MSPSS: the mean, one decimal)
    raw: int  # the sum of the scored items
    band: Band
    flags: tuple[str, ...] = ()  # "low_item" (WHO-5 item ≤ 1), "item9" (PHQ-9 item 9 above 0)
    subscales: dict[str, float] = field(default_factory=dict)


def _options(*pairs) -> tuple[Option, ...]:
    return tuple(Option(v, label) for v, label in pairs)


FREQUENCY = _options((0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day"))
DIFFICULTY = _options((0, "Not difficult at all"), (1, "Somewhat difficult"), (2, "Very difficult"),
                      (3, "Extremely difficult"))
DIFFICULTY_TEXT = ("If you checked off any problems, how difficult have these problems made it for you to do your "
                   "work, take care of things at home, or get along with other people?")
PFIZER = ("Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
          "educational grant from Pfizer Inc.")
PFIZER_LICENCE = "No permission required to reproduce, translate, display or distribute."

WHO5_OPTIONS = _options((5, "All of the time"), (4, "Most of the time"), (3, "More than half of the time"),
                        (2, "Less than half of the time"), (1, "Some of the time"), (0, "At no time"))


def _items(texts, options, **extra) -> tuple[Item, ...]:
    return tuple(Item(f"q{n}", text, options, **extra) for n, text in enumerate(texts, 1))


WHO5 = Instrument(
    code="who5", name="WHO-5 Well-Being Index", short="WHO-5",
    about="Five statements about how you have been feeling: a short measure of wellbeing.",
    instructions=("Please indicate for each of the five statements which is closest to how you have been feeling "
                  "over the last two weeks. Notice that higher numbers mean better well-being."),
    recall="the last two weeks",
    items=_items(("I have felt cheerful and in good spirits", "I have felt calm and relaxed",
                  "I have felt active and vigorous", "I woke up feeling fresh and rested",
                  "My daily life has been filled with things that interest me"), WHO5_OPTIONS),
    score_low=0, score_high=100, score_unit="%", higher_is="better",
    bands=(
        Band(0, 28, "Very low wellbeing", "Your wellbeing has been very low. Scores this low often go with "
             "depression: it is worth talking with a doctor or another health professional."),
        Band(29, 49, "Low wellbeing", "Your wellbeing has been low. It may help to talk this over with "
             "someone you trust or a health professional."),
        Band(50, 100, "Not low", "Your wellbeing has not been low over the last two weeks."),
    ),
    attribution=("WHO-5 Well-Being Index, WHO Regional Office for Europe (1998); Psychiatric Research Unit, "
                 "WHO Collaborating Centre in Mental Health, Mental Health Centre North Zealand, Hillerød."),
    licence="Free to use; the source must be mentioned.",
    source_url="https://www.psykiatri-regionh.dk/who-5/",
    loinc=None,  # no WHO-5 total-score LOINC code could be verified from a stored source
    default_every_weeks=2, meaningful_change=10,
)

PHQ9 = Instrument(
    code="phq9", name="Patient Health Questionnaire (PHQ-9)", short="PHQ-9",
    about="Nine questions about low mood and related problems; used to follow how depression changes.",
    instructions="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    recall="the last 2 weeks",
    items=_items((
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
        "or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ), FREQUENCY) + (Item("difficulty", DIFFICULTY_TEXT, DIFFICULTY, scored=False, required=False),),
    score_low=0, score_high=27, score_unit="", higher_is="worse",
    bands=(
        Band(0, 4, "Minimal", "Few or no signs of depression."),
        Band(5, 9, "Mild", "Some signs of depression, at a mild level."),
        Band(10, 14, "Moderate", "Signs of depression at a moderate level. Scores of 10 or more are a reason to "
             "talk with a doctor."),
        Band(15, 19, "Moderately severe", "Signs of depression at a moderately severe level. Please talk with a "
             "doctor about it."),
        Band(20, 27, "Severe", "Signs of depression at a severe level. Please talk with a doctor soon."),
    ),
    attribution=PFIZER, licence=PFIZER_LICENCE, source_url="https://www.phqscreeners.com/",
    # HL7 Personal Health Record IG, ValueSet observation-scored-assessment-score-codes (build.fhir.org), and
    # HL7 US PCO STU1 ValueSet prom-target-measures (hl7.org/fhir/us/pco): 44261-6.
    loinc=("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
)

GAD7 = Instrument(
    code="gad7", name="Generalized Anxiety Disorder scale (GAD-7)", short="GAD-7",
    about="Seven questions about worry and anxiety; used to follow how anxiety changes.",
    instructions="Over the last 2 weeks, how often have you been bothered by the following problems?",
    recall="the last 2 weeks",
    items=_items((
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ), FREQUENCY) + (Item("difficulty", DIFFICULTY_TEXT, DIFFICULTY, scored=False, required=False),),
    score_low=0, score_high=21, score_unit="", higher_is="worse",
    bands=(
        Band(0, 4, "Minimal", "Few or no signs of anxiety."),
        Band(5, 9, "Mild", "Some signs of anxiety, at a mild level."),
        Band(10, 14, "Moderate", "Signs of anxiety at a moderate level. Scores of 10 or more are a reason to "
             "talk with a doctor."),
        Band(15, 21, "Severe", "Signs of anxiety at a severe level. Please talk with a doctor about it."),
    ),
    attribution=PFIZER, licence=PFIZER_LICENCE, source_url="https://www.phqscreeners.com/",
    # Same two ValueSets as PHQ-9: 70274-6.
    loinc=("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
)

UCLA3 = Instrument(
    code="ucla3", name="Three-item loneliness scale (UCLA-3)", short="UCLA-3",
    about="Three questions about feeling lonely or left out: one of the things peer support should change.",
    instructions=("The next questions are about how you feel about different aspects of your life. For each one, "
                  "tell me how often you feel that way."),
    recall=None,
    items=_items(("How often do you feel that you lack companionship?", "How often do you feel left out?",
                  "How often do you feel isolated from others?"),
                 _options((1, "Hardly ever"), (2, "Some of the time"), (3, "Often"))),
    score_low=3, score_high=9, score_unit="", higher_is="worse",
    bands=(
        Band(3, 5, "Not often lonely", "You do not often feel lonely or cut off from others."),
        Band(6, 9, "Often lonely", "You often feel lonely or cut off from others. Many people do; it can change."),
    ),
    attribution=("Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A short scale for measuring loneliness in large "
                 "surveys. Research on Aging 2004;26(6):655–672. From the R-UCLA Loneliness Scale (Russell et al.)."),
    licence="Published scale; no fee or permission requirement was found (not confirmed with the authors).",
    source_url="https://doi.org/10.1177/0164027504268574",
    loinc=None,
)

MSPSS = Instrument(
    code="mspss", name="Multidimensional Scale of Perceived Social Support (MSPSS)", short="MSPSS",
    about="Twelve statements about the support you feel from family, friends and a special person.",
    instructions=("We are interested in how you feel about the following statements. Read each statement "
                  "carefully. Indicate how you feel about each statement."),
    recall=None,
    items=_items((
        "There is a special person who is around when I am in need.",
        "There is a special person with whom I can share my joys and sorrows.",
        "My family really tries to help me.",
        "I get the emotional help and support I need from my family.",
        "I have a special person who is a real source of comfort to me.",
        "My friends really try to help me.",
        "I can count on my friends when things go wrong.",
        "I can talk about my problems with my family.",
        "I have friends with whom I can share my joys and sorrows.",
        "There is a special person in my life who cares about my feelings.",
        "My family is willing to help me make decisions.",
        "I can talk about my problems with my friends.",
    ), _options((1, "Very strongly disagree"), (2, "Strongly disagree"), (3, "Mildly disagree"), (4, "Neutral"),
                (5, "Mildly agree"), (6, "Strongly agree"), (7, "Very strongly agree"))),
    score_low=1, score_high=7, score_unit="", higher_is="better",
    bands=(
        Band(1, 2.9, "Low support", "You feel little support from the people around you."),
        Band(3, 5, "Moderate support", "You feel some support from the people around you."),
        Band(5.1, 7, "High support", "You feel well supported by the people around you."),
    ),
    attribution=("Zimet GD, Dahlem NW, Zimet SG, Farley GK. The Multidimensional Scale of Perceived Social "
                 "Support. Journal of Personality Assessment 1988;52(1):30–41."),
    licence="Free to use; please credit Zimet et al. (1988).",
    source_url="https://gzimet.wixsite.com/mspss",
    loinc=None,
    subscales={"Significant other": (1, 2, 5, 10), "Family": (3, 4, 8, 11), "Friends": (6, 7, 9, 12)},
)

INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (WHO5, PHQ9, GAD7, UCLA3, MSPSS)}


class MissingAnswers(ValueError):
    """Some required items were not answered (or not with one of their options): item key -> message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(", ".join(fields))
        self.fields = fields


def parse(instrument: Instrument, form) -> dict[str, int]:
    """The answers from a form-like mapping (item key -> value text); MissingAnswers names every item that is
    required and unanswered or not one of its options. Optional items left empty are left out."""
    answers, missing = {}, {}
    for n, item in enumerate(instrument.items, 1):
        raw = (form.get(item.key) or "").strip()
        allowed = {str(o.value): o.value for o in item.options}
        if raw in allowed:
            answers[item.key] = allowed[raw]
        elif raw or item.required:
            missing[item.key] = (f"Please choose an answer for question {n}." if not raw
                                 else f"Question {n}: please choose one of the answers shown.")
    if missing:
        raise MissingAnswers(missing)
    return answers


def _band(instrument: Instrument, total: float) -> Band:
    for band in instrument.bands:
        if band.low <= total <= band.high:
            return band
    # MSPSS means fall between the published one-decimal bands (2.9 < 35/12 < 3): the band of the rounded mean
    rounded = round(total, 1)
    return next(b for b in instrument.bands if b.low <= rounded <= b.high)


def score(instrument: Instrument, answers: dict[str, int]) -> Score:
    """Score complete answers by the instrument's published rule."""
    values = [answers[item.key] for item in instrument.scored_items]
    raw = sum(values)
    flags: list[str] = []
    subscales: dict[str, float] = {}
    if instrument.code == "who5":
        total: float = raw * 4
        if any(v <= 1 for v in values):
            flags.append("low_item")
    elif instrument.code == "mspss":
        total = _mean(values)
        subscales = {name: _mean([values[n - 1] for n in numbers])
                     for name, numbers in instrument.subscales.items()}
    else:
        total = raw
    if instrument.code == "phq9" and answers.get("q9", 0) > 0:
        flags.append("item9")
    return Score(total=total, raw=raw, band=_band(instrument, total), flags=tuple(flags), subscales=subscales)


def _mean(values: list[int]) -> float:
    """The mean to two decimals, rounded half up from the exact fraction (no binary-float surprises)."""
    exact = Fraction(sum(values), len(values))
    return float(Fraction(math.floor(exact * 100 + Fraction(1, 2)), 100))


def low_wellbeing(instrument: Instrument, result: Score) -> bool:
    """WHO-5: < 50, or any item answered 0 or 1, suggests low wellbeing."""
    return instrument.code == "who5" and (result.total < 50 or "low_item" in result.flags)
