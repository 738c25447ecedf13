"""The `cleaner` console script: signal handling first, then the (slow to import) CLI.

Importing the CLI takes about a second (trafilatura, lxml, datasketch); a Ctrl-C or
SIGTERM in that second must end the command as cleanly as one later on: exit 130 or 143,
no traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    from cleaner.interrupts import flush_quietly, guard

    guard.install()
    try:
        from cleaner.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: stopped before it started\n")
        flush_quietly()
        interrupt = guard.received()
        sys.exit(interrupt.exit_code if interrupt is not None else 130)
    cli_main()
