"""Files that are not pages: the demo's allow-list and image previews. Pillow is imported
here only (in `pixels`). Reads the client's files and the preview cache; prints nothing."""
