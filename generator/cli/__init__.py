"""The `sitegen` command. Each command loads configuration and calls one module; imports are
lazy so that `sitegen --help` answers at once."""

from sitegen.cli.delivery import main

__all__ = ["main"]
