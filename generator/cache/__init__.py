"""Everything under `build/.cache`: one content-addressed store, the record of what each page
read, and the check that a build on disk is up to date. Reads and writes `build/.cache` (and
reads the inputs it fingerprints); prints nothing."""
