"""Seed eulogin's bench database in bulk: USERS people, then SESSIONS live SSO sessions.

Run inside eulogin's environment by bench/scale.py (`python bench/scale_seed.py users N` or
`sessions N`). People are inserted by one INSERT … SELECT over generate_series; each live SSO
session is what a signed-in browser leaves behind (the Django session row, its cached copy
in the cache when the cache is Redis, the "Mon compte" session row and the SSO session),
written with COPY. Prints what it measured as JSON.
"""

import json
import os
import secrets
import string
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eulogin.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.factors import PASSWORD  # noqa: E402
from accounts.factors import SESSION_KEY as FACTORS_KEY  # noqa: E402
from accounts.flows import BACKEND, REMEMBER_ME_SESSION_KEY  # noqa: E402
from accounts.models import User  # noqa: E402
from cas_server.tickets import TICKET_GRANTING, ticket_digest, ticket_new  # noqa: E402

SESSION_TABLES = ["django_session", "accounts_usersession", "cas_ssosession"]
_KEY_ALPHABET = string.ascii_lowercase + string.digits


def _sizes(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        return {t: cursor.execute("SELECT pg_total_relation_size(%s)", [t]).fetchone()[0] for t in tables}


def users(count: int) -> dict:
    started = time.perf_counter()
    before = _sizes(["accounts_user"])
    encoded = make_password(secrets.token_urlsafe(16))  # one real Argon2 hash, shared: nobody signs in as them
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, preferred_language,"
            " preferred_method, is_staff, is_active, date_joined)"
            " SELECT %s, false, 'person' || g || '@scale.example.org', 'First' || g, 'Last' || g, 'en', '',"
            " false, true, now() FROM generate_series(1, %s) AS g",
            [encoded, count],
        )
        cursor.execute("VACUUM ANALYZE accounts_user")  # as a table of that size is kept: no catch-up mid-run
    return {"users": count, "seconds": round(time.perf_counter() - started, 1),
            "accounts_user_bytes": _sizes(["accounts_user"])["accounts_user"] - before["accounts_user"]}


def sessions(count: int) -> dict:
    started = time.perf_counter()
    before = _sizes(SESSION_TABLES)
    now = timezone.now()
    expires = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    factors = [{"kind": PASSWORD, "at": now.isoformat()}]
    people = list(User.objects.filter(email__endswith="@scale.example.org").order_by("pk")
                  .values_list("pk", "password")[:count])
    if len(people) < count:
        raise SystemExit(f"seed {count} users first")
    auth_hash = User(password=people[0][1]).get_session_auth_hash()  # they share one password hash
    store = SessionStore()
    cached: dict[str, dict] = {}
    redis = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    cache_sample: list[str] = []
    raw = connection.connection  # psycopg 3: COPY straight into the tables
    with raw.cursor() as cursor:
        with cursor.copy("COPY django_session (session_key, session_data, expire_date) FROM STDIN") as copy_s:
            keys = []
            for pk, _ in people:
                key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(32))
                data = {"_auth_user_id": str(pk), "_auth_user_backend": BACKEND, "_auth_user_hash": auth_hash,
                        FACTORS_KEY: factors, REMEMBER_ME_SESSION_KEY: False}
                copy_s.write_row((key, store.encode(data), expires))
                keys.append((pk, key))
                if redis:
                    cached[KEY_PREFIX + key] = data
                    if len(cached) >= 2000:
                        cache.set_many(cached, timeout=settings.SESSION_COOKIE_AGE)
                        cache_sample.append(next(iter(cached)))
                        cached.clear()
        if cached:
            cache.set_many(cached, timeout=settings.SESSION_COOKIE_AGE)
            cache_sample.append(next(iter(cached)))
        with cursor.copy("COPY accounts_usersession (user_id, session_key, ip_address, user_agent, created_at,"
                         " last_activity_at) FROM STDIN") as copy_u:
            for pk, key in keys:
                copy_u.write_row((pk, key, "127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64) scale seed", now, now))
        with cursor.copy("COPY cas_ssosession (ticket_digest, user_id, session_key, authenticated_at, factors,"
                         " strength, remember_me, warn, created_at, last_used_at, expires_at, end_reason) FROM STDIN") as copy_t:
            for pk, key in keys:
                copy_t.write_row((ticket_digest(ticket_new(TICKET_GRANTING)), pk, key, now, json.dumps(factors),
                                  PASSWORD, False, False, now, now, expires, ""))
    raw.commit()
    with connection.cursor() as cursor:
        for table in SESSION_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    after = _sizes(SESSION_TABLES)
    result = {"sessions": count, "seconds": round(time.perf_counter() - started, 1),
              "postgresql_bytes": {t: after[t] - before[t] for t in SESSION_TABLES}}
    if redis:
        try:
            from django_redis import get_redis_connection

            client = get_redis_connection("default")
        except (ImportError, NotImplementedError):
            client = cache._cache.get_client(write=False)
        # Every cached session is the same size to within a few bytes: MEMORY USAGE of a
        # sample of keys, times the count.
        sample = [str(cache.make_key(k)) for k in cache_sample]
        per_key = [client.memory_usage(k, samples=0) or 0 for k in sample]
        result["redis_bytes"] = int(sum(per_key) / len(per_key) * count) if per_key else 0
    return result


if __name__ == "__main__":
    what, count = sys.argv[1], int(sys.argv[2])
    connection.ensure_connection()
    print(json.dumps(users(count) if what == "users" else sessions(count)))
