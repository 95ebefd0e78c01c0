"""sitegen: static sites for client work, shown as a protected demo and handed over when paid."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sitegen")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
