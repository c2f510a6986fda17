# The image for web, worker, beat and migrate (docker-compose.yml).
# Stage 1 builds the front-end assets; stage 2 is a slim Python image with the whole
# project (COPY . ., trimmed by .dockerignore, so a new app is never left out), static
# files collected at build time and served by whitenoise, running as a non-root user.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

FROM python:3.12-slim-bookworm
# PYTHONPATH: every process (gunicorn, celery, manage.py) imports the project from /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false
WORKDIR /app
# uid 1000 owns the uploads volume of earlier images too.
RUN useradd --uid 1000 --create-home app \
    && mkdir -p /data/uploads \
    && chown app:app /data/uploads

# Dependencies first (pyproject.toml at the versions in requirements.lock), so code changes
# reuse this layer.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -c requirements.lock -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /app/static/build static/build
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && python -m compileall -q .

USER app
EXPOSE 8000
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "config.wsgi:application"]
