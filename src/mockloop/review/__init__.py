"""Looking back at saved interviews: replay, an HTML report, an index for trends, compare, export.

Everything here reads the session folders written by ``mockloop.sessions`` and never changes them
(only ``delete`` removes one, and the index is a disposable cache next to them).
"""
