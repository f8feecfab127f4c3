"""Abuse limits on sending (SMS pumping, cost), counted in the shared Django cache.

Fixed windows: a counter per (scope, key, window) lives for the window. Every counter a
send touches is incremented first and compared after, so two processes racing for the
last slot cannot both get it; a refused send gives its slots back.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone

from . import conf


def _counter_key(scope: str, key: str, window: int) -> str:
    bucket = int(timezone.now().timestamp() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no number or IP in clear
    return f"mfa_sms:limit:{scope}:{digest}:{window}:{bucket}"


def _rules(*, number: str, user_id: int | None, ip: str | None) -> list[tuple[str, int, int]]:
    rules = []
    for name in ("MFA_SMS_LIMIT_PER_NUMBER_SHORT", "MFA_SMS_LIMIT_PER_NUMBER_DAY"):
        limit, window = conf.get(name)
        rules.append((_counter_key("number", number, window), limit, window))
    if user_id is not None:
        limit, window = conf.get("MFA_SMS_LIMIT_PER_ACCOUNT")
        rules.append((_counter_key("account", str(user_id), window), limit, window))
    if ip:
        limit, window = conf.get("MFA_SMS_LIMIT_PER_IP")
        rules.append((_counter_key("ip", ip, window), limit, window))
    rules.append((_counter_key("global", "all", 24 * 3600), conf.get("MFA_SMS_GLOBAL_DAILY_CAP"), 24 * 3600))
    return rules


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window + 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        return 1


def sms_send_take(*, number: str, user_id: int | None, ip: str | None) -> str | None:
    """Take one send from every limit; returns None if allowed, else the name of the
    limit that refused (for the audit log, never for the person)."""
    taken = []
    refused = None
    for key, limit, window in _rules(number=number, user_id=user_id, ip=ip):
        taken.append(key)
        if _increment(key, window) > limit:
            refused = key.split(":")[2]
            break
    if refused:
        for key in taken:
            try:
                cache.decr(key)
            except ValueError:
                pass
    return refused
