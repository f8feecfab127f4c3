#!/usr/bin/env bash
# `make prod`: eulogin as in production, on this machine, without Docker. Two gunicorn
# nodes behind nginx (HTTPS with a self-signed certificate made here), a Celery worker and
# beat, on the local PostgreSQL and Redis; run by honcho from the Procfile.
# Every value can be overridden from the environment (the test runs it on free ports).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH"

export PROD_DIR=$(realpath -m "${PROD_DIR:-$ROOT/.prod}")
export BIND=${BIND:-127.0.0.1} HTTPS_PORT=${HTTPS_PORT:-8443} WEB1_PORT=${WEB1_PORT:-8101} WEB2_PORT=${WEB2_PORT:-8102}
export WEB_WORKERS=${WEB_WORKERS:-2} WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-2}
mkdir -p "$PROD_DIR"/tmp "$PROD_DIR"/mail "$PROD_DIR"/metrics
URL="https://$BIND:$HTTPS_PORT"

# A self-signed certificate for 127.0.0.1 and localhost, made once per PROD_DIR.
if [ ! -s "$PROD_DIR/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$BIND" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$PROD_DIR/key.pem" -out "$PROD_DIR/cert.pem" 2>/dev/null
  chmod 600 "$PROD_DIR/key.pem"
fi
# A secret key of its own, kept between runs (sessions survive a restart).
[ -s "$PROD_DIR/secret_key" ] || (umask 077; openssl rand -base64 48 | tr -d '\n' > "$PROD_DIR/secret_key")

sed -e "s/@BIND@/$BIND/g" -e "s/@HTTPS_PORT@/$HTTPS_PORT/g" deploy/local/nginx.conf.template > "$PROD_DIR/nginx.conf"
python deploy/local/upstream_watch.py --print "127.0.0.1:$WEB1_PORT" "127.0.0.1:$WEB2_PORT" > "$PROD_DIR/upstreams.conf"
rm -f "$PROD_DIR"/metrics/*.db

# Production settings (DEBUG off, secure cookies, HSTS), behind one proxy that says https.
cat > "$PROD_DIR/env" <<ENV
EULOGIN_ENV_FILE=
DEBUG=false
SECRET_KEY=$(cat "$PROD_DIR/secret_key")
ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-$URL,https://localhost:$HTTPS_PORT}
USE_X_FORWARDED_PROTO=true
EULOGIN_TRUSTED_PROXY_COUNT=1
SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-3600}
SECURE_HSTS_PRELOAD=false
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/eulogin}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
READ_CACHE_CHECK_SECONDS=${READ_CACHE_CHECK_SECONDS:-1}
CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/2}
CELERY_TASK_ALWAYS_EAGER=false
EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
EMAIL_FILE_PATH=${EMAIL_FILE_PATH:-$PROD_DIR/mail}
SMS_BACKEND=${SMS_BACKEND:-mfa_sms.backends.filebased.SmsBackend}
MFA_SMS_FILE_PATH=${MFA_SMS_FILE_PATH:-$PROD_DIR/sms.log}
TWILIO_ACCOUNT_SID=${TWILIO_ACCOUNT_SID:-}
TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN:-}
TWILIO_FROM_NUMBER=${TWILIO_FROM_NUMBER:-}
TWILIO_API_BASE_URL=${TWILIO_API_BASE_URL:-https://api.twilio.com}
MFA_WEBAUTHN_RP_ID=${MFA_WEBAUTHN_RP_ID:-localhost}
MFA_WEBAUTHN_ORIGINS=${MFA_WEBAUTHN_ORIGINS:-https://localhost:$HTTPS_PORT}
TRACES_SERVICE_URL=${TRACES_SERVICE_URL:-https://localhost:8001/}
METRICS_ALLOWED_IPS=${METRICS_ALLOWED_IPS:-127.0.0.1}
PROMETHEUS_MULTIPROC_DIR=$PROD_DIR/metrics
LOG_FORMAT=json
PYTHONUNBUFFERED=1
PROD_DIR=$PROD_DIR
BIND=$BIND
HTTPS_PORT=$HTTPS_PORT
WEB1_PORT=$WEB1_PORT
WEB2_PORT=$WEB2_PORT
WEB_WORKERS=$WEB_WORKERS
WORKER_CONCURRENCY=$WORKER_CONCURRENCY
PATH=$PATH
ENV

run() { env -i $(grep -v '^#' "$PROD_DIR/env" | xargs -d '\n') "$@"; }
run python manage.py migrate --noinput -v 0
run python manage.py collectstatic --noinput -v 0
run python manage.py compilemessages --ignore .venv -v 0 >/dev/null 2>&1 || true

echo ""
echo "  eulogin (production shape): $URL/account/login/"
echo "  two gunicorn nodes: 127.0.0.1:$WEB1_PORT, 127.0.0.1:$WEB2_PORT; metrics: http://127.0.0.1:$WEB1_PORT/metrics"
echo "  self-signed certificate: $PROD_DIR/cert.pem"
echo ""
exec env -i PATH="$PATH" HOME="${HOME:-/root}" honcho -f Procfile -e "$PROD_DIR/env" start
