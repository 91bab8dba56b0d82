"""Local days and times: check-ins are stored in UTC with the member's zone, shown on their local day."""
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The named IANA zone; unknown names raise ValueError."""
    if not name or name not in _zones():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone a member can choose, sorted, for select lists (read from disk once per process)."""
    return tuple(sorted(_zones() - {"localtime", "Factory"}))


def is_zone(name: str) -> bool:
    return bool(name) and name in _zones()


def local_to_utc(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time skipped by a DST jump (02:30 on a spring-forward night) moves forward by the gap, as a
    clock on the wall would; a repeated time (the autumn fold) means its first occurrence.
    A wall-clock time whose UTC instant falls outside the years 1–9999 (0001-01-01 00:00 at UTC+14)
    raises ValueError, as any other impossible date does.
    """
    # PEP 495: fold=0 reads a skipped time with the offset from before the jump (so 02:30 becomes
    # 03:30 after the jump) and a repeated time as its first occurrence.
    return to_utc(datetime.combine(day, at, tzinfo=zone(tz_name)).replace(fold=0))


def to_utc(instant: datetime) -> datetime:
    """An aware datetime in UTC; ValueError (not OverflowError) when that leaves the years 1–9999."""
    try:
        return instant.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("that instant is out of range") from exc


def local_datetime(instant: datetime, tz_name: str) -> datetime:
    return instant.astimezone(zone(tz_name))


def local_day(instant: datetime, tz_name: str) -> date:
    return local_datetime(instant, tz_name).date()


def today_in(tz_name: str, now: datetime | None = None) -> date:
    return local_day(now or datetime.now(UTC), tz_name)


def day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC start and end of a local day (23 or 25 hours long on DST change days)."""
    start = local_to_utc(day, time(0, 0), tz_name)
    end = local_to_utc(day + timedelta(days=1), time(0, 0), tz_name)
    return start, end


def wall_clock(instant: datetime, tz_name: str | None, fmt: str = "%-d %b %H:%M") -> str:
    """An instant as the person reading it sees it on their own clock (their saved zone; UTC when they
    have none), e.g. "3 Mar 14:05": a template filter, `row.created_at|wall_clock(current_user.timezone)`.
    Naive instants are UTC, as the database keeps them."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        tz = zone(tz_name or "UTC")
    except ValueError:
        tz = UTC
    return instant.astimezone(tz).strftime(fmt)


def init_app(app) -> None:
    app.add_template_filter(wall_clock)
