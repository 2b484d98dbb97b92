"""``python -m bundler``: the command line, for machines where the ``bundler`` script is
not on PATH (and for the benchmarks, which measure it in a child process)."""

from bundler.cli import main

main()
