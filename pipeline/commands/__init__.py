"""One module per CLI command. Each exposes HELP (its line in `pipeline --help`), `arguments(p)`,
which adds its options, and `main(args) -> int` (the exit code), whose docstring is its --help."""
