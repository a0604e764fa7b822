"""One module per CLI command. Each exposes `register(sub)`, which adds its
parser and sets `func` to a handler `(args) -> int` (the exit code)."""
