"""Write bot_api_10.json, the part of the Bot API 10.0 specification the fake checks requests
against: every method's parameters, and every type a request can carry (its fields, or for a
union such as InputMedia the list of its subtypes).

    .venv/bin/python -m tests.fake_telegram.make_bot_api_spec [api.json]

The source is the scraped specification beside the repository
(../shared/data/telegram-bot-api/api.json, see its README); the output is kept in the repository
so the check runs wherever the tests do (a CI clone may have no ../shared).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parents[3] / "shared/data/telegram-bot-api/api.json"
OUTPUT = Path(__file__).with_name("bot_api_10.json")


def _fields(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: {"types": f["types"], "required": f["required"]} for f in entry.get("fields", [])}


def _named(fields: dict[str, dict[str, Any]]) -> list[str]:
    """The type names the fields mention ("Array of Array of X" names X)."""
    return [t.rpartition("Array of ")[2] for f in fields.values() for t in f["types"]]


def compact(api: dict[str, Any]) -> dict[str, Any]:
    """Methods with their parameters, and the types reachable from them (results are left out)."""
    methods = {name: _fields(method) for name, method in api["methods"].items()}
    types: dict[str, Any] = {}
    wanted = [name for fields in methods.values() for name in _named(fields)]
    while wanted:
        name = wanted.pop()
        if name in types or name not in api["types"]:  # Integer, String... are not types
            continue
        entry = api["types"][name]
        if "subtypes" in entry:  # a union, e.g. InputMedia: one of these
            types[name] = entry["subtypes"]
            wanted.extend(entry["subtypes"])
        else:
            types[name] = _fields(entry)
            wanted.extend(_named(types[name]))
    return {"version": api["version"], "methods": methods, "types": dict(sorted(types.items()))}


def _object(entries: dict[str, str], depth: int) -> str:
    """A JSON object of already rendered values, one a line."""
    pad = " " * depth
    body = ",\n".join(f"{pad} {json.dumps(key)}: {value}" for key, value in entries.items())
    return f"{{\n{body}\n{pad}}}" if entries else "{}"


def render(api: dict[str, Any]) -> str:
    """The compact spec as JSON, a parameter or field a line (so a diff shows what changed)."""
    spec = compact(api)

    def fields(entry: dict[str, Any]) -> str:
        return _object({name: json.dumps(field) for name, field in entry.items()}, 2)

    methods = {name: fields(entry) for name, entry in spec["methods"].items()}
    types = {
        name: json.dumps(entry) if isinstance(entry, list) else fields(entry)
        for name, entry in spec["types"].items()
    }
    top = {"version": json.dumps(spec["version"]), "methods": _object(methods, 1), "types": _object(types, 1)}
    return _object(top, 0) + "\n"


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    OUTPUT.write_text(render(json.loads(source.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {OUTPUT} from {source}")
