"""The client's change requests: what a note is and how it is sealed (`notes`), the studio's
working list of them (`notes`, in `sites/CLIENT/feedback.toml`). Touches that file only;
nothing here prints."""
