"""Compiled SQL kept across processes: a computation's SQL, compiled once per shape
(:func:`queries.engine.relational.plan.compiled`), written to a folder so that the next
process (the next command, a restarted dashboard) reads it instead of compiling again.

A shape is named by :func:`shape_digest`: the SHA-256 of its Ibis expressions written
out node by node (each operation's class and every argument, in order), of the dialect,
and of the versions of what turns them into SQL (Ibis, SQLGlot, :mod:`.sql`). Equal
digests are equal expressions compiled by the same code, hence the same SQL. An
expression holding a value that cannot be written out faithfully (an object shown by
its address) has no digest and is never kept.

Reading never trusts the file blindly: it must be a JSON object naming exactly the
shape's queries, each a text; anything else (a truncated or foreign file, an unreadable
folder) is compiled again. Writing is atomic (a temporary file renamed) and never fails
the computation; the folder keeps the :data:`KEPT` most recently written shapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

import ibis.expr.types as ir
from ibis.common.graph import Node

KEPT = 256  # shapes kept in a folder (each a few tens of KB)
_SUFFIX = ".sql.json"


@cache
def _compiler_version() -> str:
    """What the SQL text of an expression depends on besides the expression."""
    own = (Path(__file__).with_name("sql.py")).read_bytes()
    parts = [
        importlib.metadata.version("ibis-framework"),
        importlib.metadata.version("sqlglot"),
        hashlib.sha256(own).hexdigest(),
    ]
    return "|".join(parts)


# values whose repr is the value itself
_PLAIN = (str, bytes, int, float, bool, type(None), date, datetime, time, Decimal)


class _Unfaithful(Exception):
    """A value whose text does not identify it."""


def _value(v: object, ref: Mapping[Node, int]) -> str:
    """An argument as text: a node by its number, containers element by element (in
    their order), anything else by its type and repr."""
    if isinstance(v, Node):
        return f"#{ref[v]}"
    if isinstance(v, (tuple, list)):
        return "[" + ",".join(_value(x, ref) for x in v) + "]"
    if isinstance(v, Mapping):
        items = (f"{_value(k, ref)}:{_value(x, ref)}" for k, x in v.items())
        return "{" + ",".join(items) + "}"
    text = repr(v)
    if not isinstance(v, _PLAIN) and " at 0x" in text:
        raise _Unfaithful(text)
    return f"{type(v).__module__}.{type(v).__qualname__}:{text}"


def _children(v: object) -> list[Node]:
    if isinstance(v, Node):
        return [v]
    if isinstance(v, (tuple, list)):
        return [n for x in v for n in _children(x)]
    if isinstance(v, Mapping):
        return [n for k, x in v.items() for n in (*_children(k), *_children(x))]
    return []


def shape_digest(plan: Mapping[str, ir.Expr], dialect: str) -> str | None:
    """The hex SHA-256 naming ``plan``'s expressions (by name) compiled for
    ``dialect``; None when an expression holds a value that cannot be written out
    faithfully (never kept then)."""
    h = hashlib.sha256(f"{dialect}|{_compiler_version()}".encode())
    ref: dict[Node, int] = {}
    try:
        for name, expr in plan.items():
            root = expr.op()
            # post-order without recursion: a node is written once its arguments are
            stack: list[tuple[Node, bool]] = [(root, False)]
            while stack:
                node, ready = stack.pop()
                if node in ref:
                    continue
                if not ready:
                    stack.append((node, True))
                    stack.extend((c, False) for c in _children(node.__args__) if c not in ref)
                    continue
                kind = type(node)
                args = ",".join(
                    f"{n}={_value(a, ref)}"
                    for n, a in zip(node.__argnames__, node.__args__, strict=True)
                )
                ref[node] = len(ref)
                h.update(f"{kind.__module__}.{kind.__qualname__}({args})\n".encode())
            h.update(f"= {name!r} #{ref[root]}\n".encode())
    except _Unfaithful:
        return None
    return h.hexdigest()


def read_kept(folder: Path, digest: str, names: list[str]) -> dict[str, str] | None:
    """The SQL kept in ``folder`` for the shape ``digest``, by query name; None when it
    is not there or is not exactly ``names``' texts."""
    try:
        data = json.loads((folder / f"{digest}{_SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        return None
    if not all(isinstance(v, str) and v for v in data.values()):
        return None
    return data


def write_kept(folder: Path, digest: str, statements: Mapping[str, str]) -> None:
    """Keep ``statements`` for the shape ``digest`` in ``folder`` (made when missing),
    atomically; the oldest shapes beyond :data:`KEPT` removed. Never raises: a shape
    not kept is compiled again next time."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(dict(statements), f, ensure_ascii=False)
            os.replace(tmp, folder / f"{digest}{_SUFFIX}")
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        kept = sorted(folder.glob(f"*{_SUFFIX}"), key=_mtime)
        for old in kept[: max(0, len(kept) - KEPT)]:
            with contextlib.suppress(OSError):
                old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
