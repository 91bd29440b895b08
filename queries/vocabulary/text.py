"""The one bilingual text type."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Text(NamedTuple):
    """A text in Chinese and English, Chinese first.

    A plain ``(zh, en)`` tuple, so ``zh, en = text`` unpacks it; placeholders
    (``{min}``) are the same in both.

    >>> Text("样本少于{m}件", "fewer than {m} cases").of("en", m=10)
    'fewer than 10 cases'
    """

    zh: str
    en: str

    def of(self, lang: str, /, **kwargs: Any) -> str:
        """The text in ``lang`` (Chinese for ``"zh"``, else English), formatted with ``kwargs``."""
        text = self.zh if lang == "zh" else self.en
        return text.format(**kwargs) if kwargs else text

    def capitalized(self) -> Text:
        """The same text with its English first letter in upper case, for a heading or column."""
        return Text(self.zh, self.en[:1].upper() + self.en[1:])
