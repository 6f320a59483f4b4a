# Production image for the ledger service: `docker compose up` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Install the package with the same exact pins the tests run with.
# (README.md* : copied if present, pyproject.toml names it as the readme.)
COPY pyproject.toml constraints.txt README.md* ./
COPY ledger ./ledger
RUN pip install -c constraints.txt .

# Run unprivileged. /data holds the service's local files; a named volume
# mounted there starts out with this directory's ownership.
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent \
        --shell /usr/sbin/nologin ledger \
    && mkdir -p /data \
    && chown ledger:ledger /data
ENV LEDGER_DATA_DIR=/data
VOLUME ["/data"]

USER ledger
EXPOSE 8000
ENTRYPOINT ["ledger"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
