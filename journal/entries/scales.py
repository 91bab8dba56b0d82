"""The check-in scales live on the kernel floor now (journal/scales.py), where feature-neutral code such as
journal/series.py can use them without importing the journal feature. This name keeps existing imports
working until every importer says `journal.scales`."""
from journal.scales import (  # noqa: F401
    DOSE_MAX,
    ENERGY,
    MEDICATIONS_MAX,
    MOOD,
    NAME_MAX,
    NOTE_MAX,
    PAIN,
    SEVERITY,
    SLEEP_MAX,
    SYMPTOMS_MAX,
    TAGS_MAX,
    Scale,
)
