"""``python -m tender``: the ``tender`` command (how ``serve --workers N`` starts its job
process)."""

from tender.cli import app

app(prog_name="tender")
