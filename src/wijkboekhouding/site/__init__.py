"""The published static site: area pages, charts, data twins, embeds and big-screen mode.

``build_site(ws, out_dir)`` builds it (two passes, written aside and swapped in);
``serve.serve_site`` previews it on 127.0.0.1.  See docs/site.md.
"""

from .build import BuildResult, build_site

__all__ = ["build_site", "BuildResult"]
