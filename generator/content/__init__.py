"""Content: a client's Markdown and front matter into pages and their converted bodies.
Reads the client's folder and the cache; prints nothing."""
