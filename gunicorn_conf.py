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
# A worker is replaced after this many requests (a guard against slow leaks), losing the pages and
# fragments it keeps (countries/pagecache.py): at 2,000 a worker serving its pages from memory
# was replaced every few seconds under load and its next requests rendered everything again (the
# benchmark's p95 showed it). Its stores are bounded, so a rarer replacement costs no memory.
max_requests = 20000
max_requests_jitter = 2000
