"""The curated lists a peer profile chooses from: conditions (with ICD-10 codes), topics and languages.

Profiles store only the short `key` of each choice (plaintext link rows, because matching queries them);
labels, sentence phrases and ICD-10 codes live here. ICD-10 codes are the WHO ICD-10 category (or, for
ME/CFS and long COVID, the WHO code that covers them); they are kept for interoperability and are not shown
as a diagnosis. Anything not on the list goes in the profile's encrypted "other" free text.
"""
from __future__ import annotations

from dataclasses import dataclass

from journal.reactions import REACTIONS  # noqa: F401  (the app's one vocabulary, used by peers from here)


@dataclass(frozen=True)
class Condition:
    key: str
    label: str  # as listed on the profile form
    phrase: str  # as used in a sentence: "You both live with {phrase}"
    icd10: str
    group: str


CHRONIC, MENTAL, RECOVERY = "Chronic illness", "Mental health", "Addiction recovery"

CONDITIONS: tuple[Condition, ...] = (
    # Chronic physical illness
    Condition("lupus", "Lupus (SLE)", "lupus", "M32", CHRONIC),
    Condition("rheumatoid_arthritis", "Rheumatoid arthritis", "rheumatoid arthritis", "M06", CHRONIC),
    Condition("psoriatic_arthritis", "Psoriatic arthritis", "psoriatic arthritis", "L40.5", CHRONIC),
    Condition("ankylosing_spondylitis", "Ankylosing spondylitis (axial SpA)", "ankylosing spondylitis", "M45",
              CHRONIC),
    Condition("psoriasis", "Psoriasis", "psoriasis", "L40", CHRONIC),
    Condition("fibromyalgia", "Fibromyalgia", "fibromyalgia", "M79.7", CHRONIC),
    Condition("me_cfs", "ME/CFS (chronic fatigue syndrome)", "ME/CFS", "G93.3", CHRONIC),
    Condition("long_covid", "Long COVID", "long COVID", "U09.9", CHRONIC),
    Condition("chronic_pain", "Chronic pain", "chronic pain", "R52.2", CHRONIC),
    Condition("crohns", "Crohn's disease", "Crohn's disease", "K50", CHRONIC),
    Condition("ulcerative_colitis", "Ulcerative colitis", "ulcerative colitis", "K51", CHRONIC),
    Condition("ibs", "Irritable bowel syndrome (IBS)", "IBS", "K58", CHRONIC),
    Condition("coeliac", "Coeliac disease", "coeliac disease", "K90.0", CHRONIC),
    Condition("type1_diabetes", "Type 1 diabetes", "type 1 diabetes", "E10", CHRONIC),
    Condition("type2_diabetes", "Type 2 diabetes", "type 2 diabetes", "E11", CHRONIC),
    Condition("hashimotos", "Hashimoto's / autoimmune thyroiditis", "Hashimoto's", "E06.3", CHRONIC),
    Condition("multiple_sclerosis", "Multiple sclerosis", "multiple sclerosis", "G35", CHRONIC),
    Condition("parkinsons", "Parkinson's disease", "Parkinson's", "G20", CHRONIC),
    Condition("migraine", "Migraine", "migraine", "G43", CHRONIC),
    Condition("epilepsy", "Epilepsy", "epilepsy", "G40", CHRONIC),
    Condition("endometriosis", "Endometriosis", "endometriosis", "N80", CHRONIC),
    Condition("pcos", "Polycystic ovary syndrome (PCOS)", "PCOS", "E28.2", CHRONIC),
    Condition("asthma", "Asthma", "asthma", "J45", CHRONIC),
    Condition("copd", "COPD", "COPD", "J44", CHRONIC),
    Condition("heart_failure", "Heart failure", "heart failure", "I50", CHRONIC),
    Condition("kidney_disease", "Chronic kidney disease", "chronic kidney disease", "N18", CHRONIC),
    Condition("eds", "Ehlers-Danlos syndromes", "Ehlers-Danlos", "Q79.6", CHRONIC),
    Condition("pots", "POTS / dysautonomia", "POTS", "G90.8", CHRONIC),
    Condition("sickle_cell", "Sickle cell disease", "sickle cell disease", "D57", CHRONIC),
    Condition("hiv", "HIV", "HIV", "B24", CHRONIC),
    # Mental health
    Condition("depression", "Depression", "depression", "F32", MENTAL),
    Condition("anxiety", "Generalised anxiety", "anxiety", "F41.1", MENTAL),
    Condition("panic", "Panic disorder", "panic attacks", "F41.0", MENTAL),
    Condition("bipolar", "Bipolar disorder", "bipolar disorder", "F31", MENTAL),
    Condition("ptsd", "PTSD", "PTSD", "F43.1", MENTAL),
    Condition("ocd", "OCD", "OCD", "F42", MENTAL),
    Condition("eating_disorder", "Eating disorder", "an eating disorder", "F50", MENTAL),
    Condition("adhd", "ADHD", "ADHD", "F90", MENTAL),
    Condition("schizophrenia", "Schizophrenia / psychosis", "psychosis", "F20", MENTAL),
    Condition("bpd", "Borderline personality disorder (EUPD)", "BPD", "F60.3", MENTAL),
    # Addiction recovery
    Condition("alcohol", "Alcohol use", "alcohol use", "F10.2", RECOVERY),
    Condition("opioids", "Opioid use", "opioid use", "F11.2", RECOVERY),
    Condition("stimulants", "Cocaine or stimulant use", "stimulant use", "F15.2", RECOVERY),
    Condition("cannabis", "Cannabis use", "cannabis use", "F12.2", RECOVERY),
    Condition("gambling", "Gambling", "gambling", "F63.0", RECOVERY),
    Condition("nicotine", "Nicotine", "nicotine", "F17.2", RECOVERY),
)
CONDITION_BY_KEY = {c.key: c for c in CONDITIONS}
CONDITION_GROUPS = (CHRONIC, MENTAL, RECOVERY)


@dataclass(frozen=True)
class Topic:
    key: str
    label: str


TOPICS: tuple[Topic, ...] = (
    Topic("newly_diagnosed", "Newly diagnosed"),
    Topic("flares", "Living with flares"),
    Topic("fatigue", "Fatigue"),
    Topic("pain", "Pain"),
    Topic("sleep", "Sleep"),
    Topic("work", "Work & illness"),
    Topic("study", "Studying with illness"),
    Topic("relationships", "Relationships"),
    Topic("parenting", "Parenting with illness"),
    Topic("caregiving", "Caregiving"),
    Topic("medication_changes", "Medication changes"),
    Topic("appointments", "Getting heard at appointments"),
    Topic("money_benefits", "Money & benefits"),
    Topic("early_recovery", "Early recovery"),
    Topic("long_term_recovery", "Long-term recovery"),
    Topic("cravings", "Cravings & triggers"),
    Topic("loneliness", "Loneliness"),
    Topic("movement", "Movement & pacing"),
)
TOPIC_BY_KEY = {t.key: t for t in TOPICS}

# ISO 639-1 codes; a member picks at least one, and matching requires one in common.
LANGUAGES: dict[str, str] = {
    "en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano", "pt": "Português",
    "nl": "Nederlands", "pl": "Polski", "sv": "Svenska", "da": "Dansk", "no": "Norsk", "fi": "Suomi",
    "el": "Ελληνικά", "tr": "Türkçe", "ru": "Русский", "uk": "Українська", "ar": "العربية", "he": "עברית",
    "hi": "हिन्दी", "ur": "اردو", "bn": "বাংলা", "zh": "中文", "ja": "日本語", "ko": "한국어",
    "id": "Bahasa Indonesia", "sw": "Kiswahili",
}

# What a member is here for.
SUPPORT_MODES: dict[str, str] = {
    "give": "Mostly to give support",
    "get": "Mostly to get support",
    "both": "Both: give and get support",
}

# Initials avatars: colours chosen for white text at WCAG AA contrast (no photos are ever uploaded).
AVATAR_COLOURS: dict[str, str] = {
    "teal": "#2f6f62", "blue": "#2b5c9e", "indigo": "#4b4c9c", "plum": "#7a3d76",
    "rose": "#a63a5a", "rust": "#a24b1f", "olive": "#5b6b1f", "slate": "#4a5a66",
}

REPORT_REASONS: dict[str, str] = {
    "unkind": "Unkind, harassing or bullying",
    "medical_advice": "Harmful medical advice",
    "spam": "Spam, selling or self-promotion",
    "contact_details": "Sharing contact details or asking to meet",
    "self_harm": "Worried about someone's safety",
    "impersonation": "Pretending to be someone else",
    "other": "Something else",
}
