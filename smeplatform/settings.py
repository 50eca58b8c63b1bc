"""Settings for the SME Policy Knowledge Sharing Platform.

One module, configured by environment variables. A fresh checkout runs with no
configuration at all (SQLite file, DEBUG on, e-mail printed to the console);
production is a few variables away and refuses to start without a real secret
key and allowed hosts. See README.md, "Running in production".
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"


# --- Typed environment helpers: a malformed value stops the start, loudly. ---


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url, *, pool, statement_timeout_ms):
    """Turn DATABASE_URL into a Django DATABASES entry (postgres:// or sqlite:///)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.sqlite3 or sqlite:////absolute/path.sqlite3
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file path.")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / path}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite:///, not {parts.scheme!r}."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host/db.")
    options = dict(parse_qsl(parts.query))
    # A query that runs longer than this is cancelled by PostgreSQL before the
    # gunicorn worker timeout (30 s) kills the worker mid-request.
    options["options"] = f"-c statement_timeout={statement_timeout_ms}"
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }
    if pool:
        from psycopg_pool import ConnectionPool

        config["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
            "timeout": 10,
            # Hand out only connections that still answer: survives a database restart.
            "check": ConnectionPool.check_connection,
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


# --- Core ---

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

if not DEBUG:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "With DEBUG off, SECRET_KEY must be set to a random value of at least 40 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("With DEBUG off, ALLOWED_HOSTS must list the site's host names.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "countries",
    "practices",
    "meetings",
    # Wires the apps together (smeplatform/apps.py); it has no models.
    "smeplatform",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "django_filters",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages, JSON and CSV compressed for the browsers that accept it (a 72 KB page travels as about 10 KB);
    # Django's GZip adds random bytes to each response against BREACH. Static files come compressed already.
    "smeplatform.middleware.CompressTextMiddleware",
    "smeplatform.middleware.CrossOriginResourcePolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After the static files (they need no database), before anything that reads it.
    "smeplatform.middleware.DatabaseUnavailableMiddleware",
    # Before the session: a visitor's page from memory skips everything below.
    "countries.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "smeplatform.middleware.SessionLifetimeMiddleware",
    "smeplatform.middleware.StaffTwoFactorMiddleware",
    "smeplatform.middleware.RememberLanguageMiddleware",
    "smeplatform.middleware.NotFoundPageMiddleware",
]

ROOT_URLCONF = "smeplatform.urls"
WSGI_APPLICATION = "smeplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "smeplatform.context_processors.site",
                "smeplatform.context_processors.fragments",
            ],
        },
    },
]
# Our templates/django/forms/ override Django's form templates: error summaries and
# fields described by their errors, for allauth's forms as much as our own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database and cache ---

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"),
        # Off by default: a sync worker needs one connection, kept between requests and health-checked.
        # With the pool, each request waits up to its 10 s timeout while the database is down
        # (docs/operations/load-and-faults.md).
        pool=env_bool("DATABASE_POOL", False),
        statement_timeout_ms=env_int("DATABASE_STATEMENT_TIMEOUT_MS", 25_000),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The caches (countries/pagecache.py). Past MAX_ENTRIES a cache culls entries to make room, so what
# visitors' requests fill is kept apart from what must not be forgotten.
# Set REDIS_URL (redis://host:6379/0) to share the public memos through Redis instead of a table.
REDIS_URL = env_str("REDIS_URL", "")
# A worker's memory: least recently used first (a full cache drops one entry per write).
WORKER_PAGES = 512
WORKER_MEMOS = 256
CACHES = {
    # Security and correctness state: failed sign-ins and used two-factor codes (allauth keeps them in
    # "default"), and the content generation. No page a visitor reads adds an entry here, so no visitor
    # can push a sign-in counter or a used code out (a database cache culls the alphabetically first
    # third of its keys when full, tests/test_cache_separation.py). It stays in the database even with
    # REDIS_URL: an evicting Redis would forget them under the visitors' memos. Its table is made by
    # migration countries/0004.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sme_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Counts of public pages shared between workers (pagecache.memoized(shared=True)): every new
    # browse query adds an entry, and losing one costs only a recount.
    "public": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "sme-public"}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sme_public_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
    # Each worker's anonymous pages (pagecache.AnonymousPageCacheMiddleware).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sme-pages",
        "OPTIONS": {"MAX_ENTRIES": WORKER_PAGES, "CULL_FREQUENCY": WORKER_PAGES},
    },
    # Each worker's memos (pagecache.memoized) and rendered fragments ({% cache %} in the templates):
    # a LocMemCache that keeps the objects themselves, not pickled copies.
    "memos": {
        "BACKEND": "countries.pagecache.WorkerMemoCache",
        "LOCATION": "sme-memos",
        "OPTIONS": {"MAX_ENTRIES": WORKER_MEMOS, "CULL_FREQUENCY": WORKER_MEMOS},
    },
    # The fragments' cache with DATA_CACHE=false (pagecache.fragment_cache): keeps nothing.
    "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# Anonymous pages kept in each worker's memory, invalidated when anything public changes
# (countries/pagecache.py); at most this long for what changes with time alone.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# What public pages compute from many rows (facet counts, practices per country and region, the
# browse page's vocabulary) and their rendered fragments, kept per worker (some in the shared cache
# too) under the same generation.
DATA_CACHE = env_bool("DATA_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# --- Accounts ---

AUTH_USER_MODEL = "countries.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "countries.forms.ContextWordsPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "countries:workspace_home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "countries.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_FORMS = {"login": "countries.forms.SignInForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per person, changed with verification: invitations and teams key on it.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Adding or changing an e-mail address (where password resets go) asks for the password again.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SME Platform] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# The sixth failed sign-in for one address within five minutes is refused.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
# Behind the reverse proxy described in README.md the client address comes from
# X-Forwarded-For; count only the hops we trust so a client cannot forge it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"authenticate": "countries.forms.TwoFactorCodeForm"}
MFA_TOTP_ISSUER = "SME Platform"
# Staff (ITC moderators and superusers) must enrol an authenticator app before
# they can use anything but the enrolment pages. Delegates may enrol.
SME_REQUIRE_STAFF_TWO_FACTOR = env_bool("REQUIRE_STAFF_TWO_FACTOR", True)

# An invitation link works once, until it is revoked or this many days pass.
SME_INVITATION_MAX_AGE = timedelta(days=env_int("INVITATION_MAX_AGE_DAYS", 14))

# --- Sessions and security ---

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends 12 hours after sign-in however active it is, and after 2 hours without a request
# (smeplatform.middleware.SessionLifetimeMiddleware; the reasons are in docs/security/asvs-accounts.md).
SESSION_COOKIE_AGE = 60 * 60 * 12
SME_SESSION_IDLE_TIMEOUT = 60 * 60 * 2
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Over HTTPS the "__Host-" prefix makes browsers refuse these cookies unless Secure, for this host only.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Preloading is a separate, hard-to-undo decision for the whole domain (submission to
# hstspreload.org); until it is taken, `check --deploy` should not warn about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded SQLite of bin/run ignores the covering columns of PostgreSQL's indexes, as it should.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks from the proxy reach /healthz over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The authenticator QR code is an SVG data: URI.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Internationalisation ---

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["smeplatform.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ---

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]


def uploaded_files_storage(backend):
    """Where uploaded documents are kept: MEDIA_ROOT on this machine, or an S3-compatible bucket
    that every app server shares (docs/operations/deployment.md)."""
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {backend!r}.")
    from importlib.util import find_spec

    if find_spec("storages") is None:
        raise ImproperlyConfigured('STORAGE_BACKEND=s3 needs django-storages: pip install ".[s3]".')
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role).
    # The bucket stays private and no signed URLs are made: every download still streams through
    # the views that check who may read it, whatever the document's state.
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION"),
            # Empty for a bucket with ACLs disabled (S3 Object Ownership "bucket owner enforced").
            "default_acl": env_str("AWS_DEFAULT_ACL", "private") or None,
            "querystring_auth": False,
            # As on the file system: a name already taken gets a suffix, never overwrites.
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": uploaded_files_storage(env_str("STORAGE_BACKEND").strip().lower() or "filesystem"),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files live outside the static files and are served only through views that check access.
# With several app servers, MEDIA_ROOT must be one shared volume, or use STORAGE_BACKEND=s3.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
SME_MAX_ATTACHMENT_SIZE = env_int("MAX_ATTACHMENT_MB", 20) * 1024 * 1024
# Decoded bytes the PDF check reads from one file's compressed streams before it refuses the file.
SME_PDF_SCAN_BUDGET = env_int("PDF_SCAN_BUDGET_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


# --- Machine translation: a first draft for translators (practices/machine.py), off unless an engine is named ---


def machine_translation_from_env():
    engine = env_str("MACHINE_TRANSLATION_ENGINE").strip().lower()
    if not engine:
        return None
    if engine not in {"libretranslate", "deepl"}:
        raise ImproperlyConfigured(f"MACHINE_TRANSLATION_ENGINE must be libretranslate or deepl, not {engine!r}.")
    key = env_str("MACHINE_TRANSLATION_KEY")
    # DeepL's free plan has its own address; its keys end in ":fx".
    default_url = "" if engine == "libretranslate" else ("https://api-free.deepl.com" if key.endswith(":fx") else "https://api.deepl.com")
    url = env_str("MACHINE_TRANSLATION_URL", default_url).strip()
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
        raise ImproperlyConfigured(f"MACHINE_TRANSLATION_URL must be an http(s) address of the {engine} server, not {url!r}.")
    if engine == "deepl" and not key:
        raise ImproperlyConfigured("MACHINE_TRANSLATION_KEY must hold the DeepL API key.")
    timeout = env_int("MACHINE_TRANSLATION_TIMEOUT", 10)
    # A translator's request waits for the engine, up to twice this: within gunicorn's 30 s worker timeout.
    if not 1 <= timeout <= 14:
        raise ImproperlyConfigured("MACHINE_TRANSLATION_TIMEOUT must be between 1 and 14 seconds.")
    return {"ENGINE": engine, "URL": url, "KEY": key, "TIMEOUT": timeout}


MACHINE_TRANSLATION = machine_translation_from_env()

# --- E-mail ---
# With EMAIL_HOST set, mail goes out by SMTP; otherwise it is printed to the console.

if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SME Platform <no-reply@smeplatform.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The ITC team's address that the contact, privacy and accessibility pages give (DEFAULT_FROM_EMAIL is a no-reply).
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "sme-platform@intracen.example")
ADMINS = env_list("ADMINS_EMAILS")
# Links in e-mails point here (no request is at hand when a worker sends them).
SITE_URL = env_str("SITE_URL", f"{ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{ALLOWED_HOSTS[0]}" + (":8000" if DEBUG else "")).rstrip("/")

# --- Background tasks: e-mail is sent after the transaction commits, by a worker process. ---
# "database": tasks wait in PostgreSQL until `manage.py db_worker` runs them (production; bin/run
# starts one). "immediate": run at once in the web process (the tests).

TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
try:
    TASKS = {"default": {"BACKEND": TASKS_BACKENDS[env_str("TASKS_BACKEND", "database")]}}
except KeyError:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}.") from None

# --- Logging: errors to stderr, where gunicorn and the process manager collect them. ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {"level": "ERROR", "filters": ["require_debug_false"], "class": "django.utils.log.AdminEmailHandler"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (with DEBUG on) would print each line a second time beside the root's.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}
