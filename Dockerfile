# Image for the web, worker and beat services (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var

# WeasyPrint's system libraries (Pango, HarfBuzz, fonts) for the PDF
# certificates, and curl for the health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libjpeg62-turbo libopenjp2-7 libffi8 shared-mime-info fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 egov
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=egov:egov . .
# collectstatic needs production settings; the key is thrown away with the layer.
RUN DJANGO_SECRET_KEY="solo-para-construir-$(head -c 48 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown egov:egov /app/var

USER egov
EXPOSE 8000
CMD ["gunicorn", "egov.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
