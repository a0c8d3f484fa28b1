"""gunicorn settings of the production image.

One worker process with threads: `/even` keeps its sequence in the process's memory, so a second worker
process would start a second sequence and hand out 0 twice. Threads share the one sequence, which a lock
guards; the handlers do no blocking work, so threads are enough for this API's load.
"""

bind = "0.0.0.0:5000"
workers = 1
worker_class = "gthread"
threads = 8
accesslog = "-"
errorlog = "-"
