# chunkwise: gunicorn serving the Flask app, as in `make run`, on port 8000.
#   docker build -t chunkwise . && docker run --rm -p 8000:8000 chunkwise
# The Python patch release matches the one CI tests with; pin by digest
# (python:3.11.7-slim-bookworm@sha256:...) where your registry allows it.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/chunkwise

# Dependencies first, in their own layer: code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

RUN groupadd --system --gid 10001 chunkwise \
    && useradd --system --uid 10001 --gid chunkwise --no-create-home --shell /usr/sbin/nologin chunkwise

# The service and the data it ships (sentence model, stop words): nothing is
# downloaded at run time.
COPY app ./app
COPY wsgi.py gunicorn.conf.py ./

ENV CHUNKWISE_BIND=0.0.0.0:8000
USER 10001:10001
EXPOSE 8000

# The slim image has no curl; Python's urllib does the same job. The port is
# read from CHUNKWISE_BIND so the check follows a changed bind.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('CHUNKWISE_BIND', ':8000').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
