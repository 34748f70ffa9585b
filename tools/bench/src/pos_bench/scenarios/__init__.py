"""The scenarios of `make bench`, one module each; `run(bench, result)` is the entry point."""
