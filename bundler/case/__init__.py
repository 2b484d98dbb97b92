"""Stage 1: the case folder: read it (``load``), type it (``models``), check it
(``validate``), describe it (``schema``); the register codes it may use (``codes``) and
the toolkit templates it may name (``templates``); Outlook ``.msg`` files read as
standard email messages (``outlook``), so a ``.msg`` document is checked when it loads.

Takes a folder on disk; gives a validated ``CaseFolder`` or every problem with its
file and line. The only stage that reads the case folder.
"""
