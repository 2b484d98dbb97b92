"""The toolkit site's page builders, used by the MkDocs hook (``site/hooks/bundler_site.py``).

Every page that describes what the tool does (the checklist, the letters, codes and
tables, profiles, the command reference, the case format, the sample cases) is made
here from ``bundler.api``, in memory, at build time.
"""
