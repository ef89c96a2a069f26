""".NET TimeSpan strings (``dd.hh:mm:ss`` or ``hh:mm:ss``), the wire form of ``autoExpireIn``."""

import re
from datetime import timedelta

_PATTERN = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2}):(\d{2}):(\d{2})$")


def parse_timespan(text: str) -> timedelta:
    """Parse ``"00:00:55"`` or ``"6.23:59:59"``; ValueError on anything else."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError("must be a duration in the form dd.hh:mm:ss or hh:mm:ss")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError("hours must be 0-23, minutes and seconds 0-59")
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_timespan(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    hms = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}.{hms}" if days else hms
