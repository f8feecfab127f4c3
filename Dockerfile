# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/lock.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py compilemessages --ignore .venv \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --home /app eulogin
USER eulogin
EXPOSE 8000
CMD ["gunicorn", "eulogin.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
