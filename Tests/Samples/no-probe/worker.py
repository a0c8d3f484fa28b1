"""A background worker: takes job files from a queue folder, processes them, and runs until stopped."""

import json
import os
import signal
import time
from pathlib import Path

QUEUE = Path(os.environ.get("QUEUE_DIR", "/tmp/queue"))
POLL_SECONDS = 0.5

stopping = False


def stop(signum: int, frame: object) -> None:
    """Finishes the current round, then ends (SIGTERM from `docker stop`)."""
    global stopping
    stopping = True


def process(job: Path) -> None:
    """Handles one job file and removes it."""
    task = json.loads(job.read_text())
    print(f"processed {job.name}: {task.get('kind', 'unknown')}", flush=True)
    job.unlink()


def main() -> None:
    """Polls the queue until stopped."""
    signal.signal(signal.SIGTERM, stop)
    QUEUE.mkdir(parents=True, exist_ok=True)
    print(f"worker: watching {QUEUE}", flush=True)
    while not stopping:
        for job in sorted(QUEUE.glob("*.json")):
            process(job)
        time.sleep(POLL_SECONDS)
    print("worker: stopped", flush=True)


if __name__ == "__main__":
    main()
