"""The check-in scales and their words. Short scales with labels keep logging light on a bad day.

On the kernel floor: the journal, the clinician views and the shared charts all read them.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    low: int
    high: int
    labels: dict[int, str]
    faces: dict[int, str] | None = None

    def label(self, value: int | None) -> str | None:
        return None if value is None else self.labels.get(value)

    def face(self, value: int | None) -> str | None:
        return None if value is None or not self.faces else self.faces.get(value)

    def options(self) -> list[tuple[int, str, str | None]]:
        return [(v, self.labels[v], self.face(v)) for v in range(self.low, self.high + 1)]


MOOD = Scale("mood", 1, 5, {1: "Awful", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"},
             faces={1: "😣", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"})
ENERGY = Scale("energy", 1, 5, {1: "Drained", 2: "Low", 3: "Some", 4: "Good", 5: "Full"})
# Pain and symptoms share one 0–4 severity scale: "none" must be sayable, and one scale is one habit.
SEVERITY = Scale("severity", 0, 4, {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe", 4: "Very severe"})
PAIN = Scale("pain", 0, 4, SEVERITY.labels)

NOTE_MAX = 10_000
NAME_MAX = 60
DOSE_MAX = 60
SLEEP_MAX = 24
TAGS_MAX = 30
SYMPTOMS_MAX = 50
MEDICATIONS_MAX = 30
