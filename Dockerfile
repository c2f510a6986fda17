# Build the front-end assets, then a slim Python image that serves them with whitenoise.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false
WORKDIR /app
COPY pyproject.toml ./
COPY config config
COPY accounts accounts
COPY outcomes outcomes
COPY grants grants
COPY commissioning commissioning
COPY documents documents
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/static/build static/build
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input
RUN useradd --create-home app && mkdir -p /data/uploads && chown app /data/uploads
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
