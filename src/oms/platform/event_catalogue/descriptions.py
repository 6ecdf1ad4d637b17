"""What an event class and its fields mean, in words: read from the docstrings in the code.

A class says what it is in its docstring; a field in the string literal written under it (the
attribute-docstring convention the event modules follow). A class without a docstring of its own
gets a sentence made from its type (``orders.order_placed.v1`` -> "Order placed."), never the
signature ``dataclasses`` writes into ``__doc__`` in its place.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from typing import Any


def class_description(cls: type[Any]) -> str | None:
    """The class's own docstring, cleaned; None when it has none (dataclass signatures aside)."""
    text = cls.__dict__.get("__doc__")
    if not text or text.startswith(f"{cls.__name__}("):
        return None
    return inspect.cleandoc(text)


def event_description(cls: type[Any]) -> str:
    """What the event ``cls`` says happened: its docstring, else its name as a sentence."""
    found = class_description(cls)
    if found is not None:
        return found
    name = str(cls.type).split(".")[1].replace("_", " ")
    return f"{name[0].upper()}{name[1:]}."


def field_descriptions(cls: type[Any]) -> dict[str, str]:
    """The docstrings written under the fields of ``cls`` and of the classes it inherits from
    (the nearest class wins)."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        found.update(_own_field_descriptions(klass))
    return found


@cache
def _own_field_descriptions(cls: type[Any]) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # built-ins, classes made at run time: no source to read
        return {}
    (node,) = ast.parse(source).body
    if not isinstance(node, ast.ClassDef):
        return {}
    found = {}
    for statement, following in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found
