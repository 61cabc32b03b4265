# Tildel in a container (docs/operations.md, "Running in a container").
# Built only from Debian packages and PyPI. The same image runs the web process (the
# default CMD) and the scheduled jobs (`docker run ... tildel dispatch`, etc.).
FROM python:3.11-slim-bookworm

# Runtime packages: WeasyPrint (PDF letters) needs Pango and a font; backup and restore
# need pg_dump, pg_restore and psql (Debian's client; match or exceed the server's major
# version, see docs/operations.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TILDEL_VAR_DIR=/var/lib/tildel \
    TILDEL_LOG_FORMAT=json

WORKDIR /opt/tildel
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install ".[prod]"

# A non-root user owns only the state folder. Static files are collected into it at
# build time (a throw-away key, so no secret is left in the image); mount volumes on
# its subfolders (media, outbox, kpr, backup), not on the folder itself.
RUN useradd --system --home-dir /var/lib/tildel --shell /usr/sbin/nologin tildel \
    && mkdir -p /var/lib/tildel/media /var/lib/tildel/outbox /var/lib/tildel/kpr \
        /var/lib/tildel/backup \
    && SECRET_KEY=collectstatic-only tildel collectstatic --no-input -v 0 \
    && chown -R tildel:tildel /var/lib/tildel \
    && chmod 0750 /var/lib/tildel

USER tildel
WORKDIR /var/lib/tildel
EXPOSE 8000

# /helse/ as the proxy would ask: one of the allowed host names, and HTTPS said by the
# proxy (with TILDEL_HTTPS=1 a plain request is redirected).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["python", "-c", "import os, urllib.request as u; host = os.environ.get('TILDEL_ALLOWED_HOSTS', 'localhost').split(',')[0].strip(); u.urlopen(u.Request('http://127.0.0.1:8000/helse/', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# gunicorn reads the number of workers from WEB_CONCURRENCY (about two per core).
# Publish port 8000 only to the TLS proxy: X-Forwarded-Proto is trusted from any address.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "-c", "python:tildel.gunicorn_conf", "tildel.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "120", \
     "--forwarded-allow-ips", "*"]
