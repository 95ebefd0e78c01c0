"""sitegen: static sites for client work, shown as a protected demo and handed over when paid."""

from functools import cache


def __getattr__(name: str) -> str:
    """`__version__`, looked up when first asked for: finding it costs a scan of the installed
    packages, which a build that turns out to be up to date never needs."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'sitegen' has no attribute {name!r}")


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sitegen")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0.0.0"
