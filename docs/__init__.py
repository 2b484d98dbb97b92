"""The case format and the checklist, shipped inside the package as ``bundler.docs``.

The checklist's rule texts (``s444-checklist.md``) are read from here at run time, so
the tool, the bundle and the site print the document's own words.
"""
