"""Files that are not pages: the demo's allow-list, image previews and proofs of design files.
Pillow, pypdfium2 and resvg are imported here only (in `pixels` and `proofs`). Reads the
client's files and the preview cache; prints nothing."""
