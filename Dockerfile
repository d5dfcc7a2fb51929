# One image for every process kind (API, relay, workers); the command picks the role.
FROM python:3.11-slim
WORKDIR /app
# The data directory (the API's Prometheus files, the relay's and workers' heartbeats) belongs to
# the unprivileged user the processes run as; the code stays root-owned and read-only to them.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATHWAYS_DATA_DIR=/var/lib/pathways HOST=0.0.0.0
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
COPY schemas ./schemas
# The gettext catalogues (every domain of every language) are compiled before the package is built,
# so that it carries them.
RUN pip install --no-cache-dir "babel>=2.16" \
 && for po in service/translations/*/LC_MESSAGES/*.po; do pybabel -q compile -i "$po" -o "${po%.po}.mo" || exit 1; done \
 && pip install --no-cache-dir . \
 && groupadd --system --gid 10001 pathways \
 && useradd --system --uid 10001 --gid pathways --home-dir /var/lib/pathways --no-create-home \
            --shell /usr/sbin/nologin pathways \
 && install -d -o pathways -g pathways -m 0750 /var/lib/pathways
USER 10001:10001
EXPOSE 8000
CMD ["pathways", "serve"]
