"""MkDocs hook for the toolkit site: the generated pages come from ``toolkit_site``,
built from bundler's public API (mkdocs puts this folder on the import path while it
loads the hook)."""

from toolkit_site.hooks import (  # noqa: F401  (mkdocs looks these up by name)
    on_build_error,
    on_config,
    on_env,
    on_files,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_post_template,
    on_startup,
    write_generated,
)
