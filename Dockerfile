# The Numbers API's production image. Only the runtime requirements and the app go in: the quality
# gates' tools and the tests reach a container of this image only through `workflows assess_image_code`.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN groupadd --gid 10001 thenumbers \
    && useradd --uid 10001 --gid thenumbers --create-home --home-dir /home/thenumbers thenumbers
# A virtual environment works the same on the official image and on Debian's own Python (PEP 668).
# Requirements before code: a code change reuses this layer in a cached build.
COPY app/requirements.txt /tmp/requirements.txt
RUN python3 -m venv /opt/venv \
    && python -m pip install --no-compile --requirement /tmp/requirements.txt \
    && python -m pip uninstall --yes setuptools \
    && rm /tmp/requirements.txt \
    && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} +
WORKDIR /home/thenumbers
COPY --chown=thenumbers:thenumbers app/gunicorn.conf.py ./
COPY --chown=thenumbers:thenumbers app/thenumbers ./thenumbers
USER thenumbers
EXPOSE 5000
HEALTHCHECK --interval=2s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:5000/random', timeout=4).status != 200)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "thenumbers.wsgi:app"]
