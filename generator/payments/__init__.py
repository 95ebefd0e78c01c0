"""Milestones and money: what is done, paid and due, computed from `site.toml`; the ledger
is the only writer of `site.toml`. No network, no printing."""
