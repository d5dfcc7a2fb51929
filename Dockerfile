# One image for every process kind (API, relay, workers); the command picks the role.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
COPY schemas ./schemas
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 8000
CMD ["pathways", "serve"]
