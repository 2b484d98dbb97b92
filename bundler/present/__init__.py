"""Stage 4: how results are shown: the one Jinja environment (``jinja``), the one
Markdown engine (``markdown``), reports in every format (``report``, ``stats``) and
terminal tables (``terminal``), and who each document went to (``service``). Figures and dates themselves are ``bundler.figures``.
"""
