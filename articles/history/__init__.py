"""The desk's audit trail: simple-history's versions of articles, people, quotes and sources.

The historical models are declared where their models are (``HistoricalRecords`` in
articles/models.py) but live in this app, so that the audit trail stays out of
``dumpdata articles``: a fixture is the newsroom's content, not every edit ever made.
"""
