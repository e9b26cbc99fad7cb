"""Checking each request against the Bot API 10.0 specification (bot_api_10.json, written by
make_bot_api_spec.py): the method exists, its required parameters are there, it has no others,
and every value has a declared type, into nested objects (an InlineKeyboardMarkup's rows of
buttons, an album's InputMedia).

Values arrive as PTB sends them: form or multipart fields are strings, a number or a boolean as
its JSON text and an object or array as JSON; a file is a multipart part under the parameter's
name or one that an "attach://<part>" value names.  A JSON body carries JSON values as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).with_name("bot_api_10.json")

Fields = dict[str, tuple[tuple[str, ...], bool]]  # name -> (types, required)

# How each primitive type reads from a form field, and as a JSON value.
_FROM_FORM: dict[str, Callable[[str], bool]] = {
    "String": lambda text: True,
    "Integer": lambda text: re.fullmatch(r"-?\d+", text) is not None,
    "Float": lambda text: re.fullmatch(r"-?\d+(\.\d*)?([eE][-+]?\d+)?", text) is not None,
    "Boolean": lambda text: text.lower() in ("true", "false", "1", "0"),
}
_IN_JSON: dict[str, Callable[[Any], bool]] = {
    "String": lambda value: isinstance(value, str),
    "Integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "Float": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "Boolean": lambda value: isinstance(value, bool),
}
_ATTACH = "attach://"
_ATTACHED = re.compile(r"attach://([\w.-]+)")


class Mismatch(Exception):
    """What is wrong with the value at `path` (e.g. "reply_markup.inline_keyboard[0][1]")."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.depth = _depth(path)


def _depth(path: str) -> int:
    return path.count(".") + path.count("[")


def _either(types: tuple[str, ...]) -> str:
    return " or ".join(types)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class BotApiSpec:
    """The methods and types of one Bot API version, ready for checking requests."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.version: str = spec["version"]
        self.methods = {name.lower(): (name, self._fields(p)) for name, p in spec["methods"].items()}
        self._objects = {name: self._fields(t) for name, t in spec["types"].items() if isinstance(t, dict)}
        self._unions = {name: tuple(t) for name, t in spec["types"].items() if isinstance(t, list)}

    @staticmethod
    def _fields(entries: Mapping[str, Any]) -> Fields:
        return {name: (tuple(field["types"]), field["required"]) for name, field in entries.items()}

    def problem(self, method: str, values: Mapping[str, Any], files: Mapping[str, object]) -> str | None:
        """What is wrong with this call of `method` (any case), or None if it follows the spec."""
        entry = self.methods.get(method.lower())
        if entry is None:
            return f"{method} is not a method of {self.version}"
        name, params = entry
        try:
            self._check_call(params, values, files)
        except Mismatch as mismatch:
            return f"{name}: {mismatch}"
        return None

    def _check_call(self, params: Fields, values: Mapping[str, Any], files: Mapping[str, object]) -> None:
        for name, (_, required) in params.items():
            if required and name not in values and name not in files:
                raise Mismatch(name, "required parameter is missing")
        for name, value in values.items():
            if name not in params:
                raise Mismatch(name, "not a parameter of this method")
            self._check_parameter(name, value, params[name][0], files)
        # Parts an "attach://<part>" names, at the top or inside JSON (an album's InputMedia).
        attached = {part for v in values.values() if isinstance(v, str) for part in _ATTACHED.findall(v)}
        for name in files:
            if name in params and "InputFile" not in params[name][0]:
                raise Mismatch(name, f"a file was uploaded, but the spec wants {_either(params[name][0])}")
            if name not in params and name not in attached:
                raise Mismatch(name, "a file was uploaded that no parameter attaches")

    def _check_parameter(
        self, path: str, value: Any, types: tuple[str, ...], files: Mapping[str, object]
    ) -> None:
        """A top-level value: a form field's text, read as each declared type would be sent."""
        if not isinstance(value, str):  # from a JSON body
            self._check(path, value, types)
            return
        if any(_FROM_FORM[t](value) for t in types if t in _FROM_FORM):
            return
        if "InputFile" in types and value.startswith(_ATTACH) and value.removeprefix(_ATTACH) in files:
            return
        structured = tuple(t for t in types if t not in _FROM_FORM and t != "InputFile")
        if not structured:
            raise Mismatch(path, f"expected {_either(types)}, got {_show(value)}")
        try:
            decoded = json.loads(value)
        except ValueError:
            raise Mismatch(path, f"expected JSON-serialized {_either(types)}, got {_show(value)}") from None
        self._check(path, decoded, structured)

    def _check(self, path: str, value: Any, types: tuple[str, ...]) -> None:
        """A JSON value that must be one of `types`; with several, the error of the one it came
        closest to (deepest), or, when none got past the top, that it is none of them."""
        mismatches = []
        for type_ in types:
            try:
                self._check_type(path, value, type_)
                return
            except Mismatch as mismatch:
                mismatches.append(mismatch)
        closest = max(mismatches, key=lambda m: m.depth)  # the first of the deepest
        if len(types) > 1 and closest.depth == _depth(path):
            raise Mismatch(path, f"expected {_either(types)}, got {_show(value)}")
        raise closest

    def _check_type(self, path: str, value: Any, type_: str) -> None:
        if type_.startswith("Array of "):
            if not isinstance(value, list):
                raise Mismatch(path, f"expected {type_}, got {_show(value)}")
            for index, item in enumerate(value):
                self._check(f"{path}[{index}]", item, (type_.removeprefix("Array of "),))
        elif type_ in _IN_JSON:
            if not _IN_JSON[type_](value):
                raise Mismatch(path, f"expected {type_}, got {_show(value)}")
        elif type_ in self._unions:
            self._check(path, value, self._unions[type_])
        elif type_ in self._objects and type_ != "InputFile":  # a file is never inside JSON
            self._check_object(path, value, type_)
        else:
            raise Mismatch(path, f"expected {type_}, got {_show(value)}")

    def _check_object(self, path: str, value: Any, type_: str) -> None:
        fields = self._objects[type_]
        if not isinstance(value, dict):
            raise Mismatch(path, f"expected {type_}, got {_show(value)}")
        for name, (_, required) in fields.items():
            if required and name not in value:
                raise Mismatch(path, f"{type_} requires field {name!r}, got {_show(value)}")
        for name, item in value.items():
            if name not in fields:
                raise Mismatch(f"{path}.{name}", f"not a field of {type_}")
            self._check(f"{path}.{name}", item, fields[name][0])


@cache
def bot_api() -> BotApiSpec:
    """The Bot API 10.0 spec, read once for every fake in the process."""
    return BotApiSpec(json.loads(SPEC_FILE.read_text(encoding="utf-8")))
