"""The JSON Schema of a plan's front matter, for editors (``mapsite schema``).

Field descriptions are the docstrings written under the fields in model.py. They are
read from the source when a schema is asked for, not by pydantic each time a model
class is made (its ``use_attribute_docstrings``: a tenth of every command's start-up).
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import typing
from typing import Any

from pydantic import BaseModel

from .model import Plan


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under the fields of ``cls`` and its bases."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            tree = ast.parse(inspect.getsource(klass))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


def models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and every model its fields use, at any depth."""
    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_model and annotation not in found:
            found.append(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return found


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema()
    for model in models(Plan):
        target = schema if model is Plan else schema["$defs"][model.__name__]
        properties = target.get("properties", {})
        for name, doc in attribute_docs(model).items():
            field = model.model_fields.get(name)
            prop = properties.get(field.alias or name) if field else None
            if prop is not None and "description" not in prop:
                prop["description"] = doc
                properties[field.alias or name] = dict(sorted(prop.items()))  # as pydantic sorts
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def plan_schema_json() -> str:
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"
