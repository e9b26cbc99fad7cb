"""Telegram's HTML ``parse_mode``, as the Bot API implements it.

The rules and error texts follow tdlib's ``parse_html`` (which is what the Bot API runs):
only a fixed tag set is allowed, tags must nest properly, a bare ``<`` is an "Unsupported
start tag", only ``&lt; &gt; &amp; &quot;`` and numeric character references are decoded
(any other ``&`` stays literal), and the stored text has the tags removed.  Entity offsets and
lengths are in UTF-16 code units, as everywhere in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tag -> entity type.  "a", "code" (inside "pre"), "tg-emoji" and "blockquote" get extra care.
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}

_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; str() is the part after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output where the tag's content starts
    language: str | None = None  # set on "pre" by a nested <code class="language-...">


def _decode_reference(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at text[pos] ('&'); None means "keep '&' literally"."""
    match = _REFERENCE.match(text, pos)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_REFERENCES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _decode_references(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        decoded = _decode_reference(value, pos) if value[pos] == "&" else None
        if decoded is None:
            out.append(value[pos])
            pos += 1
        else:
            out.append(decoded[0])
            pos = decoded[1]
    return "".join(out)


class _HtmlParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 length of "".join(self.out)
        self.stack: list[_OpenTag] = []
        self.entities: list[dict] = []

    def byte_offset(self, pos: int) -> int:
        # Telegram reports positions as UTF-8 byte offsets into the original text.
        return len(self.text[:pos].encode("utf-8"))

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.out_len += utf16_len(chars)

    def parse(self) -> tuple[str, list[dict]]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "&":
                decoded = _decode_reference(text, self.pos)
                if decoded is None:
                    self.emit("&")
                    self.pos += 1
                else:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
            elif char != "<":
                self.emit(char)
                self.pos += 1
            elif text.startswith("</", self.pos):
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        # Telegram lists entities by offset, an outer entity before the ones nested in it.
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self) -> None:
        text, begin = self.text, self.pos
        where = f"at byte offset {self.byte_offset(begin)}"
        end = begin + 1
        while end < len(text) and not text[end].isspace() and text[end] != ">":
            end += 1
        if end >= len(text):
            raise EntityParseError(f"Unclosed start tag {where}")
        name = text[begin + 1 : end].lower()
        if name not in _TAG_ENTITY:
            raise EntityParseError(f'Unsupported start tag "{name}" {where}')
        attrs = self.attributes(name, end, where)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityParseError(f'Tag "tg-emoji" must have a numeric "emoji-id" {where}')
        self.stack.append(_OpenTag(name, attrs, self.out_len))

    def attributes(self, tag: str, pos: int, where: str) -> dict[str, str]:
        """Parse attributes from text[pos] up to and including the closing '>'."""
        text = self.text
        attrs: dict[str, str] = {}
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[pos] == ">":
                self.pos = pos + 1
                return attrs
            start = pos
            while pos < len(text) and not text[pos].isspace() and text[pos] not in "=>":
                pos += 1
            name = text[start:pos].lower()
            if not name:
                raise EntityParseError(f'Empty attribute name in the tag "{tag}" {where}')
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos < len(text) and text[pos] != "=" and tag == "blockquote" and name == "expandable":
                attrs[name] = ""  # the only value-less attribute Telegram accepts
                continue
            if pos >= len(text) or text[pos] != "=":
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" {where}'
                )
            pos += 1
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                raise EntityParseError(f"Unclosed start tag {where}")
            if text[pos] in "\"'":
                close = text.find(text[pos], pos + 1)
                if close == -1:
                    raise EntityParseError(f"Unclosed start tag {where}")
                attrs[name] = _decode_references(text[pos + 1 : close])
                pos = close + 1
            else:
                start = pos
                while pos < len(text) and (text[pos].isalnum() or text[pos] in "_-"):
                    pos += 1
                attrs[name] = text[start:pos]

    def end_tag(self) -> None:
        text, begin = self.text, self.pos
        where = f"at byte offset {self.byte_offset(begin)}"
        close = text.find(">", begin)
        if close == -1:
            raise EntityParseError(f"Unclosed end tag {where}")
        name = text[begin + 2 : close].strip().lower()
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag {where}")
        if name != self.stack[-1].name:
            raise EntityParseError(
                f'Unmatched end tag {where}, expected "</{self.stack[-1].name}>", found "</{name}>"'
            )
        self.pos = close + 1
        self.close(self.stack.pop())

    def close(self, tag: _OpenTag) -> None:
        length = self.out_len - tag.offset
        language = tag.attrs.get("class", "")
        # <pre><code class="language-x"> is one "pre" entity with a language.
        in_pre = bool(self.stack) and self.stack[-1].name == "pre"
        if tag.name == "code" and in_pre and language.startswith("language-"):
            self.stack[-1].language = language.removeprefix("language-")
            return
        if length == 0:
            return  # Telegram drops empty entities
        entity: dict = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": length}
        if tag.name == "a":
            if not tag.attrs.get("href"):
                return
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Return (plain text, entities) or raise EntityParseError."""
    return _HtmlParser(text).parse()


def strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Trim leading/trailing whitespace as Telegram does, clipping the entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    clipped = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped
