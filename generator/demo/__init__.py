"""The locked demo: encryption format, the shared chrome, the kept salt, and the audit that
proves a demo leaks nothing. No network, no printing; the salt file beside the site is the
only file written here."""
