"""gunicorn's access log as one JSON object a line on stdout (config/gunicorn.conf.py selects it). The query string
is left out (a search's q=, an ID number) and long digit runs in the path are masked, as in the app's own log."""

import logging

from gunicorn.glogging import Logger

from quanke.core.request_log import safe_path


class JsonAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = {k.lower(): v for k, v in (resp.headers or [])}
        try:
            self.access_log.info(
                "access",
                extra={
                    "remote": environ.get("REMOTE_ADDR", "-"),
                    "method": environ.get("REQUEST_METHOD"),
                    "path": safe_path(environ.get("PATH_INFO", "")),
                    "status": int(status),
                    "bytes": getattr(resp, "sent", None),
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "request_id": headers.get("x-request-id", "-"),
                },
            )
        except Exception:
            self.error("access log failed")


logging.getLogger("gunicorn.access").propagate = False
