"""The client's change requests: what a note is and how it is sealed (`notes`), the studio's
working list of them (`notes`, in `sites/CLIENT/feedback.toml`), the upload policy a publish
puts into an S3 demo (`policy`), fetching and opening the notes (`inbox`) through the demo
bucket (`bucket`). Touches that file, the network and `build/.cache/feedback/`; nothing here
prints."""
