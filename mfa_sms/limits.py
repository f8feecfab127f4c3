"""Abuse limits on sending (SMS pumping, cost), counted in PostgreSQL.

Fixed windows (eulogin.ratelimit): every counter a send touches is incremented first and
compared after, so two processes racing for the last slot cannot both get it; a refused
send gives its slots back. The counters are in PostgreSQL, not the cache: with Redis
down SMS still go out under every limit, and a Redis restarted empty does not hand
anyone a fresh day of SMS.
"""

from datetime import datetime

from eulogin.ratelimit import DATABASE, window_count, window_hit, window_release, window_seconds_left

from . import conf


def _rules(*, number: str, user_id: int | None, ip: str | None) -> list[tuple[str, str, int, int]]:
    """(scope, key, limit, window) of every limit one send counts against."""
    rules = []
    for name in ("MFA_SMS_LIMIT_PER_NUMBER_SHORT", "MFA_SMS_LIMIT_PER_NUMBER_DAY"):
        limit, window = conf.get(name)
        rules.append(("number", number, limit, window))
    if user_id is not None:
        limit, window = conf.get("MFA_SMS_LIMIT_PER_ACCOUNT")
        rules.append(("account", str(user_id), limit, window))
    if ip:
        limit, window = conf.get("MFA_SMS_LIMIT_PER_IP")
        rules.append(("ip", ip, limit, window))
    rules.append(("global", "all", conf.get("MFA_SMS_GLOBAL_DAILY_CAP"), 24 * 3600))
    return rules


def sms_send_take(*, number: str, user_id: int | None, ip: str | None) -> str | None:
    """Take one send from every limit; returns None if allowed, else the name of the
    limit that refused (for the audit log, never for the person)."""
    taken = []
    for scope, key, limit, window in _rules(number=number, user_id=user_id, ip=ip):
        taken.append((scope, key, window))
        if window_hit(scope=f"mfa_sms:{scope}", key=key, window=window, store=DATABASE) > limit:
            for taken_scope, taken_key, taken_window in taken:
                window_release(scope=f"mfa_sms:{taken_scope}", key=taken_key, window=taken_window, store=DATABASE)
            return scope
    return None


def sms_send_wait(*, number: str, user_id: int | None, ip: str | None) -> int:
    """Seconds until every limit has room for one more send to `number` (0: now)."""
    wait = 0
    for scope, key, limit, window in _rules(number=number, user_id=user_id, ip=ip):
        if window_count(scope=f"mfa_sms:{scope}", key=key, window=window, store=DATABASE) >= limit:
            wait = max(wait, window_seconds_left(window))
    return wait


def sms_send_used(*, number: str, sent_at: datetime) -> None:
    """The code of a send made at `sent_at` was then entered correctly: that send leaves
    the short per-number window, so that a person signing in several times in a row is not
    refused. Pumping sends are never verified: they keep counting, as does every other
    limit (the number's day, the account, the IP, the platform)."""
    _limit, window = conf.get("MFA_SMS_LIMIT_PER_NUMBER_SHORT")
    window_release(scope="mfa_sms:number", key=number, window=window, store=DATABASE, at=sent_at)
