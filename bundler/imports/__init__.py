"""Stage 5 (beside letters and bundle): evidence brought in from where schools keep it.

Takes files a school already has: a DfE Common Transfer File exported from the MIS
(``ctf``, ``ctfcase``), an MIS mark sheet in CSV or XLSX (``marks``, ``sheets``,
``codemap``), and letters and emails to add to a case (``add``, with ``propose`` reading
a sidecar from an email's headers); gives new case folders and new files in them, each
checked before it is written. Only ``bundler.api`` imports this package.
"""
