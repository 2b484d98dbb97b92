"""mkdocs hook for the toolkit site: the generated pages come from bundler/site.py."""

from bundler.site import (  # noqa: F401  (mkdocs looks these up by name)
    on_build_error,
    on_config,
    on_files,
    on_page_markdown,
    on_post_build,
    on_startup,
)
