"""Safe YAML loading that remembers where every value came from.

Course files are data written by people; errors must say ``path:line: message``. This
loader is PyYAML's ``SafeLoader`` (no arbitrary objects) whose mappings and lists carry
the line of every node, so a validation ``Problem.path`` can be turned into a line.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml


class LineDict(dict):
    """A dict that knows its own line and the line of each key's value (1-based)."""

    line: int = 1
    lines: dict


class LineList(list):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 1
    lines: list


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YAMLError(ValueError):
    """Unparseable YAML, with the 1-based line where the parser gave up."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def load(text: str):
    """Parse YAML text safely; raise YAMLError with a line on bad syntax."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p) or str(exc)
        raise YAMLError(message, line) from None
    except yaml.YAMLError as exc:
        raise YAMLError(str(exc), 1) from None


def line_of(data, path: Sequence) -> int:
    """The line of the value at ``path`` inside loaded data: the deepest one known."""
    line = getattr(data, "line", 1)
    node = data
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines[part]
            node = node[part]
        else:
            break
    return line


def plain(data):
    """Deep copy as plain dicts and lists (for JSON columns)."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
