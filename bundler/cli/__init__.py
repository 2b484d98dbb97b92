"""The command line: parse arguments, call ``bundler.api``, print.

One module per command group (``case``, ``check``, ``bundle``, ``court``, ``letters``, ``imports``); the shared
options and the table of output formats are in ``options``. The CLI imports nothing of
bundler but ``api`` and ``errors``, and ``api`` imports heavy modules (WeasyPrint, rich)
only inside the functions that need them, so ``bundler --help`` is instant. Exit codes:
0 success, 1 the case is invalid or not ready, 2 the command could not be carried out
(usage error, no such folder).
"""

from __future__ import annotations

import click

from .. import __version__
from . import bundle, case, check, court, imports, letters
from .options import Group


@click.group(cls=Group)
@click.version_option(__version__, prog_name="bundler")
def main() -> None:
    """Build court-ready Section 444 attendance referral bundles from a case folder."""


for module in (case, check, bundle, court, letters, imports):
    for command in module.COMMANDS:
        main.add_command(command)

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
