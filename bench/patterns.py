"""The patterns page's work, measured: the pure comparisons of a heavy year, and the page itself in the app.

  comparisons  journal/patterns.py alone on 365 days × 3 check-ins, 20 tags, 8 medications, 15 symptoms
               (seeded random values), the median of 5 runs
  page         /journal/patterns through the app (SQLite, in-process test client) for a member with 10 tags,
               3 medications and 5 symptoms over 90 days of two check-ins: its HTML size and the median of 5 loads

    .venv/bin/python bench/patterns.py
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from journal import patterns  # noqa: E402
from journal.checkins import CheckinView, SymptomReading  # noqa: E402


def heavy_year() -> list[CheckinView]:
    rng = random.Random(1)
    tags = [(str(uuid.uuid4()), f"tag{i}") for i in range(20)]
    meds = [(str(uuid.uuid4()), f"med{i}", "") for i in range(8)]
    symptoms = [(str(uuid.uuid4()), f"symptom{i}") for i in range(15)]
    end, views = date(2026, 12, 1), []
    for d in range(365):
        day = end - timedelta(days=d)
        for k in range(3):
            at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8 + 5 * k)
            views.append(CheckinView(
                id=uuid.uuid4(), occurred_at=at, timezone="UTC", local=at, local_date=day,
                measures={"mood": rng.randint(1, 5), "energy": rng.randint(1, 5), "pain": rng.randint(0, 4),
                          "sleep_hours": rng.choice([None, 5, 6.5, 7, 8.5])},
                symptoms=[SymptomReading(i, n, rng.randint(0, 4)) for i, n in rng.sample(symptoms, 5)],
                tags=rng.sample(tags, 4), medications=rng.sample(meds, 2)))
    return views


def comparisons() -> None:
    views = heavy_year()
    start, end = views[-1].local_date, views[0].local_date
    times = []
    for _ in range(5):
        began = time.perf_counter()
        found = patterns.find_patterns(views, start, end)
        times.append(time.perf_counter() - began)
    count = sum(len(t.rows) for t in found.same_day + found.next_day)
    print(f"comparisons: {len(views)} check-ins, {count} comparisons, median {statistics.median(times):.2f} s")


def page() -> None:
    from tests.conftest import Client, add_item, checkin_time, make_checkin, sqlite_app_in

    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp, sqlite_app_in(Path(tmp)) as app:
        member = Client(app)
        assert member.register("bench@example.org").status_code == 302
        tags = [add_item(member, "tags", f"Tag number {i}") for i in range(10)]
        meds = [add_item(member, "medications", f"Medication {i}") for i in range(3)]
        symptoms = [add_item(member, "symptoms", f"Symptom {i}") for i in range(5)]
        for d in range(1, 91):
            for hour in (9, 20):
                make_checkin(member, mood=rng.randint(1, 5), energy=rng.randint(1, 5), pain=rng.randint(0, 4),
                             sleep_hours=rng.choice([5, 6.5, 7.5, 9]) if hour == 9 else None,
                             occurred_at=checkin_time(d, hour), tags=rng.sample(tags, 3),
                             medications=[{"id": m} for m in rng.sample(meds, 1)],
                             symptoms=[{"id": s, "severity": rng.randint(0, 4)} for s in rng.sample(symptoms, 2)])
        times, size = [], 0
        for _ in range(5):
            began = time.perf_counter()
            response = member.get("/journal/patterns")
            times.append(time.perf_counter() - began)
            size = len(response.data)
        print(f"page: 180 check-ins, 18 things tracked: {size / 1000:.1f} KB of HTML, "
              f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    comparisons()
    page()
