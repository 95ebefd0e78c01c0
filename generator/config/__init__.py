"""Configuration: `sitegen.toml` and `sites/CLIENT/site.toml` into values, every problem at
once; `sitegen new` scaffolds a client. Reads files (scaffold writes a new client folder);
prints nothing. Imports nothing here, so a command pays only for the modules it uses."""
