"""The product's words, declared once, in Chinese and English.

- :mod:`~queries.vocabulary.text`: the one bilingual text type, :class:`Text`.
- :mod:`~queries.vocabulary.terms`: shared terms ("insufficient data", the
  overall score, periods compared, column words) and units.
- :mod:`~queries.vocabulary.enums`: every record enum (records.py) in both languages.
- :mod:`~queries.vocabulary.fields`: record fields as column headers.
- :mod:`~queries.vocabulary.formats`: one formatter per kind of number
  (percent, score, days, counts, dates).

Indicator and dimension names stay in :mod:`queries.model.catalogue`; the
dashboard, the briefing, the public bundle and the command line read all of
these and spell no term of their own. ``tests/test_vocabulary.py`` fails when a
term lacks a language or a module spells a term another way.
"""
