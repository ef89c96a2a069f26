"""Run localstripe as shipped, with two changes of place only: it listens on 127.0.0.1 (its own
``start()`` binds every interface, IPv4 and IPv6), and the store it pickles after every write
goes to ``--store`` instead of the fixed ``/tmp/localstripe.pickle`` other users may share.

It starts from scratch (``--from-scratch``), logs each request as ``localstripe`` does, and runs
in localstripe's own virtual environment (``bench/systems.py``), never in Tender's.
"""

import argparse
import builtins
import logging
from typing import Any

from aiohttp import web  # type: ignore[import-not-found, unused-ignore]
from localstripe import resources, server  # type: ignore[import-not-found, unused-ignore]

SHIPPED_STORE = "/tmp/localstripe.pickle"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True, help="where the pickled store is written")
    args = parser.parse_args()

    def store_open(file: Any, *rest: Any, **kw: Any) -> Any:
        return builtins.open(args.store if file == SHIPPED_STORE else file, *rest, **kw)

    resources.open = store_open  # the module's own name lookup finds this before the builtin
    logger = logging.getLogger("aiohttp.access")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(logging.StreamHandler())
    web.run_app(server.app, host="127.0.0.1", port=args.port, access_log=logger)


if __name__ == "__main__":
    main()
