"""Intentionally empty: the historical models are made by ``HistoricalRecords(app=...)``.

A models module makes Django treat this app as one with models, so that the historical
models get their permissions and content types like any other.
"""
