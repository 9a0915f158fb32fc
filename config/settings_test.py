"""The test suite's settings: production's (config/settings.py: DEBUG off, login throttling, the second factor
required) with only what a test run needs spelled out. pytest-django selects this module (pyproject.toml)."""

import os

# settings.py refuses to start without a key when DEBUG is off; tests get a fixed one of their own, given for the
# import only, so that processes the tests start (manage.py subprocesses) still see the caller's environment.
_caller_key = os.environ.get("SECRET_KEY")
os.environ["SECRET_KEY"] = _caller_key or "test-suite-only-key-not-for-any-deployment-0123456789"
try:
    from config.settings import *  # noqa: F403
finally:
    if _caller_key is None:
        del os.environ["SECRET_KEY"]

# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False

# Static files: the manifest storage needs collectstatic before any page renders `{% static %}`; the suite uses the
# plain storage, and tests/core/test_serving.py runs collectstatic and serves the hashed names with production's.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# No collected STATIC_ROOT in a test run: WhiteNoise looks files up per request instead of scanning it at start.
WHITENOISE_AUTOREFRESH = True
