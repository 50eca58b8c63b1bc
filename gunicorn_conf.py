"""gunicorn settings for production: `gunicorn -c gunicorn_conf.py smeplatform.wsgi`.

The worker timeout stays above the database statement timeout (25 s), so PostgreSQL
cancels a runaway query before gunicorn kills the worker in the middle of a request.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# sync workers by default; `gthread` with GUNICORN_THREADS > 1 lets each worker overlap requests.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 30
# Behind the reverse proxy: trust its X-Forwarded-* headers only from loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
max_requests = 2000
max_requests_jitter = 200
