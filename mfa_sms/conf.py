"""Settings of the SMS second factor, with their defaults, read at call time.

Every limit says its number and why. Override any of them in Django settings under the
same name (tests override them with pytest-django's `settings` fixture).
"""

from django.conf import settings

# EU/EEA member states plus Switzerland and the United Kingdom: where the people of the
# relying services live. SMS pumping fraud targets expensive far-away ranges, so every
# other region is refused until an operator adds it.
EUROPE = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    "IS", "LI", "NO", "CH", "GB",
]

DEFAULTS = {
    # False stops new mobile numbers (EU Login phased SMS out on 1 July 2025: SIM swapping,
    # phishing, cost, SMS pumping); numbers already confirmed keep signing in.
    "MFA_SMS_ENROLMENT_ENABLED": True,
    # The dotted path of the SMS backend (like EMAIL_BACKEND).
    "SMS_BACKEND": "mfa_sms.backends.locmem.SmsBackend",
    # Challenge codes: 8 characters of a 32-letter alphabet = 40 bits, valid 10 minutes
    # (the SMS itself "can take up to 15 minutes", so the page says so, but a code that
    # lives longer gives a guesser more time).
    "MFA_SMS_CODE_VALIDITY_SECONDS": 10 * 60,
    # 5 wrong entries void a code: with 40 bits, 5 guesses are a 2^-37 chance.
    "MFA_SMS_CODE_MAX_ATTEMPTS": 5,
    # A new code (resend) for the same number at most once a minute.
    "MFA_SMS_RESEND_COOLDOWN_SECONDS": 60,
    # Growing delays between wrong entries on one number: factor × 2^(n−1) seconds
    # (1, 2, 4, 8 … seconds), django-otp's ThrottlingMixin.
    "MFA_SMS_THROTTLE_FACTOR": 1,
    # The first 3 wrong entries wait for nothing (a typo corrected at once); the delays
    # start with the 4th. The code's 5 entries and the account's lock after 20 stay.
    "MFA_SMS_FREE_WRONG_ENTRIES": 3,
    # After 20 consecutive wrong codes on an account, the SMS method locks for it until an
    # administrator unlocks it (NIST 800-63B allows at most 100) and the person is emailed.
    "MFA_SMS_LOCK_AFTER_FAILURES": 20,
    # (Adding or removing a number needs a factor proved recently: ACCOUNTS_FRESH_FACTOR_SECONDS.)
    # (A number added to an account that had a second factor and has none left is confirmed
    # from the account's email first: ACCOUNTS_REBIND_EMAIL_* in accounts/conf.py.)
    # Regions (ISO 3166 codes) whose numbers may receive SMS.
    "MFA_SMS_ALLOWED_REGIONS": EUROPE,
    # Abuse limits (SMS pumping, cost). Each is (sends, window seconds); counters live in
    # PostgreSQL (mfa_sms.limits), shared by every web process and worker.
    # Per number: 3 in 10 minutes (one code, two resends), 10 a day. A send whose code was
    # then entered correctly leaves the 10-minute window (sign-ins in a row are not
    # refused); it still counts in the day and in every other limit.
    "MFA_SMS_LIMIT_PER_NUMBER_SHORT": (3, 10 * 60),
    "MFA_SMS_LIMIT_PER_NUMBER_DAY": (10, 24 * 3600),
    # Per account: 10 an hour, over all its numbers (several numbers do not multiply it).
    "MFA_SMS_LIMIT_PER_ACCOUNT": (10, 3600),
    # Per client IP: 30 an hour (a shared NAT holds many people, a pumping bot one IP).
    "MFA_SMS_LIMIT_PER_IP": (30, 3600),
    # The whole platform: 10 000 SMS a day caps the bill of any attack.
    "MFA_SMS_GLOBAL_DAILY_CAP": 10_000,
    # Sending: transient provider errors retried 6 times, 5 s × 2^n apart, at most 5 min.
    "MFA_SMS_SEND_MAX_RETRIES": 6,
    # An SMS still queued after 1 minute (the broker was down, or the queue is stuck) is
    # queued again with a new code by the sweep (mfa_sms.requeue), run every minute.
    "MFA_SMS_REQUEUE_AFTER_SECONDS": 60,
    "MFA_SMS_SEND_RETRY_BASE_SECONDS": 5,
    "MFA_SMS_SEND_RETRY_MAX_SECONDS": 300,
    # Finished challenges are deleted after 1 day; the SMS log is kept 90 days (support
    # and cost questions), then deleted: it holds phone numbers.
    "MFA_SMS_CHALLENGE_RETENTION_SECONDS": 24 * 3600,
    "MFA_SMS_LOG_RETENTION_DAYS": 90,
    # The host named on the WebOTP line ("@host #code"); empty: the request's host.
    "MFA_SMS_WEBOTP_HOST": "",
    # The filebased backend writes one file per SMS here.
    "MFA_SMS_FILE_PATH": "",
    # Twilio (credentials come from the environment, see eulogin/settings.py).
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM_NUMBER": "",
    "TWILIO_MESSAGING_SERVICE_SID": "",
    # Where Twilio posts delivery statuses; empty: no callback asked.
    "TWILIO_STATUS_CALLBACK_URL": "",
    # The API's base URL: Twilio's own, or a local stub in tests.
    "TWILIO_API_BASE_URL": "https://api.twilio.com",
    # An HTTP call to Twilio waits at most 10 seconds, then counts as a transient failure.
    "TWILIO_TIMEOUT_SECONDS": 10,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
