"""Jinja2 templates: bundle pages (bundle/) and the toolkit's letters (letters/).

This folder ships inside the package as ``bundler.templates``.
"""
