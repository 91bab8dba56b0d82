"""Charts keep every data point (several check-ins a day are all drawn and all tabulated); signals fire
on the documented thresholds and explain themselves."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from journal import series
from journal.charts import Period, line_chart, strip_chart
from journal.checkins import CheckinView, SymptomReading
from journal.clinicians import trends

TODAY = date(2026, 3, 12)
FATIGUE = uuid.uuid4()
ITEM_IDS: dict[str, uuid.UUID] = {}


def _item(name: str) -> uuid.UUID:
    return ITEM_IDS.setdefault(name, uuid.uuid4())


def view(day: date, hour: int = 9, minute: int = 0, mood=3, pain=None, symptoms=(), meds=(), tags=()) -> CheckinView:
    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
    return CheckinView(id=uuid.uuid4(), occurred_at=at, timezone="UTC", local=at, local_date=day, created_at=at,
                       updated_at=at, measures={"mood": mood, "pain": pain},
                       symptoms=[SymptomReading(FATIGUE, "Fatigue", s) for s in symptoms],
                       medications=[(_item(name), name, dose) for name, dose in meds],
                       tags=[(_item(name), name) for name in tags])


def test_every_checkin_is_a_point_even_several_a_day():
    views = [view(TODAY, 8, mood=1), view(TODAY, 8, mood=1), view(TODAY, 13, mood=5), view(TODAY, 22, mood=3),
             view(TODAY - timedelta(days=3), 9, mood=2)]
    mood = next(s for s in series.chart_series(views) if s.key == "mood")
    assert [p.value for p in mood.points] == [2, 1, 1, 5, 3]  # time order, nothing merged or averaged
    svg = str(line_chart(mood, Period(TODAY - timedelta(days=6), TODAY), "c"))
    assert svg.count('<circle class="pt"') == 5
    assert 'data-points="5"' in svg
    xs = [float(x) for x in re.findall(r'<circle class="pt" cx="([\d.]+)"', svg)]
    assert xs[1] == xs[2] and xs[2] < xs[3] < xs[4]  # same-minute points share x; later ones move right
    assert "<title" in svg and 'role="img"' in svg


def test_a_90_day_chart_keeps_hundreds_of_points_and_breaks_lines_at_gaps():
    views = [view(TODAY - timedelta(days=d), h, mood=1 + (d + h) % 5) for d in range(0, 90) if d not in
             range(40, 50) for h in (8, 14, 20)]
    mood = series.chart_series(views)[0]
    svg = str(line_chart(mood, Period(TODAY - timedelta(days=89), TODAY), "c"))
    assert svg.count('<circle class="pt"') == len(views) == 240
    assert svg.count("<polyline") == 2  # the ten-day gap is not bridged


def test_medications_and_tags_over_time_plot_every_occurrence():
    views = [view(TODAY, 8, meds=[("Sertraline", "50 mg")], tags=["Poor sleep"]),
             view(TODAY, 20, meds=[("Sertraline", "50 mg")]),
             view(TODAY - timedelta(days=1), meds=[("Sertraline", "100 mg")])]
    tracks = series.item_tracks(views)
    assert [(t.name, len(t.times), t.days) for t in tracks] == [("Sertraline", 3, 2), ("Poor sleep", 1, 1)]
    assert tracks[0].dose_text == "100 mg ×1, 50 mg ×2"
    svg = str(strip_chart(tracks, Period(TODAY - timedelta(days=6), TODAY), "s", "Medications and tags"))
    assert svg.count("<circle") == 4


def test_chart_text_is_escaped():
    views = [view(TODAY, symptoms=[2])]
    views[0].symptoms[0].name = "<script>alert(1)</script>"
    symptom = series.chart_series(views)[-1]
    svg = str(line_chart(symptom, Period(TODAY, TODAY), "x"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def _days(n_from: int, n_to: int, **fields):
    return [view(TODAY - timedelta(days=d), **fields) for d in range(n_from, n_to)]


def test_mood_drop_signal():
    steady = _days(7, 20, mood=4) + _days(0, 2, mood=3) + _days(2, 4, mood=4)
    assert [s.code for s in trends.signals(steady, TODAY)] == []
    exactly_one_point = _days(7, 20, mood=4) + _days(0, 3, mood=3)
    assert [s.code for s in trends.signals(exactly_one_point, TODAY)] == ["mood_drop"]
    dropped = _days(7, 20, mood=4) + _days(0, 3, mood=2) + [view(TODAY, 20, mood=4)]
    signals = trends.signals(dropped, TODAY)
    assert [s.code for s in signals] == ["mood_drop"]
    assert "averaged 2.5" in signals[0].explanation and "1.5 points below" in signals[0].explanation
    assert "4 check-ins" in signals[0].explanation and "13 check-ins" in signals[0].explanation
    # Before the baseline window: not compared.
    assert trends.signals(_days(40, 50, mood=5) + _days(0, 3, mood=1), TODAY) == []


def test_no_recent_checkin_signal():
    signals = trends.signals(_days(9, 12), TODAY)
    assert [s.code for s in signals] == ["no_recent_checkin"]
    assert "9 days ago" in signals[0].explanation
    assert [s.code for s in trends.signals(_days(6, 7), TODAY)] == []
    assert "no check-ins" in trends.signals([], TODAY)[0].explanation
    older = trends.signals([], TODAY, last_day=TODAY - timedelta(days=60))
    assert "60 days ago" in older[0].explanation


def test_severe_symptom_signal_counts_days_not_checkins():
    three_checkins_one_day = [view(TODAY, h, symptoms=[3]) for h in (8, 12, 18)]
    assert trends.signals(three_checkins_one_day, TODAY) == []
    three_days = _days(0, 3, symptoms=[4])
    signals = trends.signals(three_days + _days(3, 6, symptoms=[1]), TODAY)
    assert [s.title for s in signals] == ["Fatigue: severe on 3 days"]
    assert "severe or very severe on 3 of the last 7 days" in signals[0].explanation
    pain = trends.signals(_days(0, 4, pain=3), TODAY)
    assert [s.title for s in pain] == ["Pain: severe on 4 days"]
    assert trends.signals(_days(7, 12, pain=4) + _days(0, 1), TODAY) == []  # outside the last 7 days


def test_since_last_visit_summary():
    views = (_days(10, 20, mood=4, meds=[("Sertraline", "50 mg")])
             + _days(0, 10, mood=2, symptoms=[3], meds=[("Sertraline", "100 mg"), ("Melatonin", "")]))
    summary = series.summarize(views, TODAY - timedelta(days=9), TODAY)
    assert summary.count == 10 and summary.days_with_checkins == 10
    mood = summary.measures[0]
    assert (mood.count, mood.mean, mood.before_mean) == (10, 2, 4)
    assert summary.symptoms == [("Fatigue", 10, 10, 3)]
    assert summary.started == ["Melatonin"]
    assert summary.dose_changes == ["Sertraline: 50 mg → 100 mg"]
