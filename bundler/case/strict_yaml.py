"""Strict YAML for untrusted case files: every value with its line, YAML 1.1 surprises refused.

Takes YAML text; gives a ``YamlSource`` (plain Python values, and the line of every value
by its path) and ``Problem``s. PyYAML's safe composer (libyaml's where available) builds
the node tree and our own resolver turns it into values, so ``NO`` read as false,
``0123`` read as octal and ``1:20`` read as 80 become errors instead of silently
different values. Aliases are refused outright (no "billion laughs"), and so are
duplicate keys and tags other than the standard ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["Path_", "YamlSource", "format_path", "parse_yaml"]

#: where a value sits in a YAML document: keys and list indexes from the top
Path_ = tuple[str | int, ...]


@dataclass
class YamlSource:
    """Parsed YAML with the line of every value, keyed by its path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    #: paths whose value the parser refused (already reported; the value reads as None)
    flagged: set[Path_] = field(default_factory=set)

    def line_for(self, path: Path_) -> int | None:
        """The line of the deepest part of ``path`` that exists in the file."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


#: libyaml's parser when PyYAML was built with it (same safe composition, much faster)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")
_YAML11_BOOL = re.compile(r"(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z")
_YAML11_NUMBER = re.compile(
    r"[-+]?(0[xob][0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.(inf|Inf|INF|nan|NaN|NAN))\Z"
)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


class _YamlReader:
    """Turns a composed YAML node tree into plain values, collecting problems."""

    def __init__(self, file: str, line_offset: int, problems: list[Problem], field_prefix: str):
        self.file = file
        self.offset = line_offset
        self.problems = problems
        self.prefix = field_prefix
        self.lines: dict[Path_, int] = {}
        self.flagged: set[Path_] = set()

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def problem(self, node: yaml.Node, path: Path_, message: str, hint: str = "") -> None:
        self.flagged.add(path)
        field = (self.prefix + format_path(path)).rstrip(": ")
        self.problems.append(Problem(self.file, self.line(node), field, message, hint))

    def value(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, self.line(node))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, path, "a key must be plain text")
                    continue
                key = key_node.value
                if key in result:
                    self.problem(
                        key_node,
                        path + (key,),
                        f"duplicate key '{key}' (first given on line {self.lines[path + (key,)]})",
                        "give each key once",
                    )
                    continue
                self.lines[path + (key,)] = self.line(key_node)
                result[key] = self.value(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        text = node.value
        if node.tag not in _STANDARD_TAGS and node.tag != "!":
            self.problem(node, path, f"YAML tag '{node.tag}' is not allowed in a case file")
            return None
        if node.style:
            return text  # quoted (or a block scalar): always text (plain is None, or '' from libyaml)
        if text in ("", "~", "null", "Null", "NULL"):
            return None
        if text in ("true", "True", "TRUE"):
            return True
        if text in ("false", "False", "FALSE"):
            return False
        if _YAML11_BOOL.match(text):
            self.problem(
                node,
                path,
                f"'{text}' is ambiguous: older YAML reads it as {'true' if text.lower() in ('y', 'yes', 'on') else 'false'}",
                "write true or false, or put it in quotes if you mean the text",
            )
            return None
        if _INT.match(text):
            digits = text.lstrip("+-")
            if len(digits) > 1 and digits.startswith("0"):
                self.problem(
                    node,
                    path,
                    f"'{text}' has a leading zero: older YAML reads it as an octal number",
                    f'put it in quotes ("{text}") if it is a code or identifier',
                )
                return None
            return int(text)
        if _YAML11_NUMBER.match(text):
            self.problem(
                node,
                path,
                f"'{text}' is ambiguous: YAML may read it as a number",
                f'put it in quotes ("{text}") if you mean the text',
            )
            return None
        if _FLOAT.match(text):
            return float(text)
        return text


def format_path(path: Path_) -> str:
    """('parents', 1, 'address') -> 'parents[1].address'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_yaml(
    text: str, file: str, problems: list[Problem], *, line_offset: int = 0, field_prefix: str = ""
) -> YamlSource | None:
    """Parse untrusted YAML text strictly; problems are appended, never raised."""
    try:
        if "*" in text:  # an alias can only be written with '*': scan events only then
            for event in yaml.parse(text, Loader=_LOADER):
                if isinstance(event, yaml.AliasEvent):
                    line = event.start_mark.line + 1 + line_offset
                    problems.append(
                        Problem(
                            file,
                            line,
                            field_prefix.rstrip(": ").strip(),
                            f"YAML alias '*{event.anchor}' is not allowed in a case file",
                            "write the value out in full",
                        )
                    )
                    return None
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        problems.append(Problem(file, line, field_prefix.rstrip(": ").strip(), f"YAML syntax error: {message}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, field_prefix.rstrip(": ").strip(), f"YAML error: {exc}"))
        return None
    if node is None:
        return YamlSource(file, None, {(): 1 + line_offset})
    reader = _YamlReader(file, line_offset, problems, field_prefix)
    data = reader.value(node, ())
    return YamlSource(file, data, reader.lines, reader.flagged)
