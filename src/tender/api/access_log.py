"""Logging that never writes a client session secret: the gateway's bearer token is part of its
paths (``/api/payments/{token}``), so every log line passes through ``RedactSecrets``."""

import copy
import logging
import re
from typing import Any

_TOKEN_PATH = re.compile(r"(/(?:api|mobile)/payments/(?:recurring/)?)[^/?#\s\"']+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(lambda m: m.group(1) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites the message and its arguments (uvicorn's access log passes the path as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the redaction on every handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact"] = {"()": RedactSecrets}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact")
    # Tender's own loggers too, also in the API processes of `tender serve --workers N`.
    config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config


def install_root_redaction() -> None:
    """Redact on the root logger's handlers too (Tender's own loggers)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
