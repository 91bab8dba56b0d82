"""Matching benchmark: one member's suggestions among 10,000 opted-in members, computed in the database.

Builds a database of opted-in members with realistic profiles (1-3 conditions drawn with a long tail, 2-5
topics, mostly English plus a second language for some, give/get/both, time zones round the world), with
connections, pending requests, blocks and recent declines sprinkled in so the exclusions do real work.
Then times journal.peers.suggestions.for_member -- the SQL ranking over everyone plus the reasons for
the top 10 -- for a sample of members, on SQLite and (when reachable) PostgreSQL. It also checks that
every suggestion's SQL score equals matching.score() and that no excluded member is ever suggested.

Target: median and p95 <= 50 ms per member's suggestions.

    .venv/bin/python bench/matching.py [--members 10000] [--samples 200] [--postgres URL]
PostgreSQL comes from --postgres or TEST_DATABASE_URL (a private schema is created and dropped).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from journal import create_app, crypto  # noqa: E402
from journal.accounts import User  # noqa: E402
from journal.extensions import db, utcnow  # noqa: E402
from journal.peers import matching, profiles, suggestions  # noqa: E402
from journal.peers.conditions import CONDITIONS, LANGUAGES, TOPICS  # noqa: E402
from journal.peers.models import (  # noqa: E402
    PeerBlock,
    PeerCondition,
    PeerConnection,
    PeerDecline,
    PeerLanguage,
    PeerProfile,
    PeerTopic,
)

OFFSETS = [-480, -420, -360, -300, -240, -180, 0, 0, 0, 60, 60, 60, 120, 180, 330, 480, 540, 600]
SECOND_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def build(n: int, seed: int = 7) -> None:
    """Insert n opted-in members with profiles and some links, in a few bulk statements."""
    rng = random.Random(seed)
    now = utcnow()
    db.session.execute(insert(User), [
        {"id": i, "email": f"m{i}@bench.invalid", "password_hash": "x", "display_name": f"Member {i}",
         "role": "member", "timezone": "UTC", "created_at": now}
        for i in range(1, n + 1)])
    condition_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(CONDITIONS))]
    profiles, conditions, topics, languages = [], [], [], []
    for i in range(1, n + 1):
        profiles.append({"id": uuid.uuid4(), "user_id": i, "enabled": True, "open_to_matches": rng.random() < 0.9,
                         "support": rng.choice(["give", "get", "both", "both"]), "timezone": "UTC",
                         "utc_offset_minutes": rng.choice(OFFSETS), "avatar_colour": "teal", "nudges_enabled": True,
                         "created_at": now, "updated_at": now})
        chosen = set(rng.choices([c.key for c in CONDITIONS], weights=condition_weights, k=rng.randint(1, 3)))
        conditions += [{"user_id": i, "code": code} for code in chosen]
        topics += [{"user_id": i, "code": t.key} for t in rng.sample(TOPICS, rng.randint(2, 5))]
        spoken = {"en"} if rng.random() < 0.85 else set()
        if not spoken or rng.random() < 0.2:
            spoken.add(rng.choice(SECOND_LANGUAGES))
        languages += [{"user_id": i, "code": code} for code in spoken]
    for model, rows in ((PeerProfile, profiles), (PeerCondition, conditions), (PeerTopic, topics),
                        (PeerLanguage, languages)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])
    pairs = set()
    while len(pairs) < n * 2:  # about four links per member: connections, requests
        a, b = rng.sample(range(1, n + 1), 2)
        pairs.add((min(a, b), max(a, b)))
    db.session.execute(insert(PeerConnection), [
        {"user_low": a, "user_high": b, "requester_id": rng.choice([a, b]),
         "status": "accepted" if rng.random() < 0.7 else "pending", "created_at": now} for a, b in pairs])
    db.session.execute(insert(PeerBlock), [
        {"blocker_id": a, "blocked_id": b, "created_at": now}
        for a, b in {tuple(rng.sample(range(1, n + 1), 2)) for _ in range(n // 5)}])
    db.session.execute(insert(PeerDecline), [
        {"decliner_id": a, "requester_id": b, "declined_at": now - timedelta(days=rng.randint(0, 60))}
        for a, b in {tuple(rng.sample(range(1, n + 1), 2)) for _ in range(n // 5)}])
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # the same statement on SQLite and PostgreSQL
    db.session.commit()


def excluded_for(user_id: int, now) -> set[int]:
    rows = db.session.execute(select(PeerConnection.user_low, PeerConnection.user_high).where(
        (PeerConnection.user_low == user_id) | (PeerConnection.user_high == user_id))).all()
    out = {a if b == user_id else b for a, b in rows}
    out |= set(db.session.scalars(select(PeerBlock.blocked_id).where(PeerBlock.blocker_id == user_id)))
    out |= set(db.session.scalars(select(PeerBlock.blocker_id).where(PeerBlock.blocked_id == user_id)))
    out |= set(db.session.scalars(select(PeerDecline.decliner_id).where(
        PeerDecline.requester_id == user_id, PeerDecline.declined_at > now - timedelta(days=30))))
    out |= set(db.session.scalars(select(PeerProfile.user_id).where(PeerProfile.open_to_matches.is_(False))))
    return out | {user_id}


def measure(app, n: int, samples: int, seed: int = 11) -> dict:
    rng = random.Random(seed)
    with app.app_context():
        build(n)
        users = rng.sample(range(1, n + 1), samples)
        timings, found = [], 0
        for i, uid in enumerate(users):
            user = db.session.get(User, uid)
            profile = db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == uid))
            start = time.perf_counter()
            result = suggestions.for_member(user, profile)
            elapsed = time.perf_counter() - start
            if i >= 5:  # the first few warm the caches and statement compilation
                timings.append(elapsed * 1000)
            found += len(result)
            if i < 20:  # verify: SQL score == Python score, and no excluded member appears
                excluded = excluded_for(uid, utcnow())
                for s in result:
                    assert s.score == s.match.score, (uid, s)
                    other = db.session.scalar(select(PeerProfile.user_id).where(PeerProfile.id == s.card.id))
                    assert other not in excluded, (uid, other)
            db.session.rollback()
        first_pass_enough = 0  # how often the cheaper first pass (shared conditions only) was the answer
        for uid in users:
            mine = profiles.facts_for([uid])[uid]
            first = db.session.execute(suggestions.ranked_query(uid, mine, utcnow(), conditions_only=True)).all()
            first_pass_enough += (len(first) == suggestions.LIMIT
                                  and first[-1][1] > suggestions.best_without_a_shared_condition(mine))
        naive = []  # the baseline this avoids: load every profile into Python and score them there
        for uid in users[:5]:
            start = time.perf_counter()
            everyone = profiles.facts_for(list(range(1, n + 1)))
            mine = everyone[uid]
            scored = [(m.score, other) for other, theirs in everyone.items() if other != uid
                      for m in [matching.score(mine, theirs)] if m]
            sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:suggestions.LIMIT]
            naive.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
        timings.sort()
        return {"naive_ms": statistics.median(naive), "median_ms": statistics.median(timings),
                "p95_ms": timings[int(len(timings) * 0.95) - 1],
                "max_ms": timings[-1], "avg_suggestions": found / len(users),
                "first_pass_share": first_pass_enough / len(users)}


def config(tmp: Path, url: str) -> dict:
    return {"TESTING": True, "INSTANCE_PATH": str(tmp / "instance"), "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench", "MASTER_KEYS": crypto.Keyring.generate().serialize(),
            "VAPID_PRIVATE_KEY": crypto.generate_vapid_private_key()}


def run_sqlite(n: int, samples: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(config(Path(tmp), f"sqlite:///{tmp}/bench.sqlite3"))
        with app.app_context():
            db.create_all()
        result = measure(app, n, samples)
        with app.app_context():
            db.engine.dispose()
        return result


def run_postgres(url: str, n: int, samples: int) -> dict | None:
    schema = f"pj_bench_matching_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable or not allowed: report and skip
        print(f"PostgreSQL skipped: {exc.__class__.__name__}")
        return None
    separator = "&" if "?" in url else "?"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(config(Path(tmp), f"{url}{separator}options=-csearch_path%3D{schema}"))
            with app.app_context():
                db.create_all()
            result = measure(app, n, samples)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            return result
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    print(f"weights: {matching.WEIGHTS}")
    results = {"sqlite": run_sqlite(args.members, args.samples)}
    if args.postgres:
        results["postgresql"] = run_postgres(args.postgres, args.members, args.samples)
    for backend, result in results.items():
        if result:
            verdict = "ok" if result["p95_ms"] <= 50 else "OVER TARGET"
            print(f"{backend:10s} {args.members} members: suggestions median {result['median_ms']:.1f} ms, "
                  f"p95 {result['p95_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
                  f"({result['avg_suggestions']:.1f} suggestions each; first pass enough for "
                  f"{result['first_pass_share']:.0%}) -> {verdict} (target p95 <= 50 ms); loading every profile "
                  f"into Python instead (without exclusions): {result['naive_ms']:.0f} ms, "
                  f"{result['naive_ms'] / result['median_ms']:.0f}x the median")


if __name__ == "__main__":
    main()
