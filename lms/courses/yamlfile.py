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


#: Limits no real course file comes near, against hostile ones: nesting depth (PyYAML's
#: composer recurses, so 20,000 levels would be a RecursionError) and the size the
#: document would have with every alias expanded (a "billion laughs" anchor bomb is tiny
#: on disk and astronomically large expanded).
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 200_000


def _check_shape(text: str) -> None:
    """Walk the event stream (iterative, no recursion) and refuse hostile shapes early."""
    sizes: dict[str, int] = {}
    stack: list[list] = [[0, None]]  # per open container: [nodes so far, anchor]
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([1, event.anchor])
                if len(stack) - 1 > MAX_DEPTH:
                    raise YAMLError(f"nested more than {MAX_DEPTH} levels deep", line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                size, anchor = stack.pop()
                if anchor:
                    sizes[anchor] = size
                stack[-1][0] += size
            elif isinstance(event, yaml.ScalarEvent):
                stack[-1][0] += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                stack[-1][0] += sizes.get(event.anchor, 1)
            if stack[-1][0] > MAX_EXPANDED_NODES:
                raise YAMLError(
                    f"with its aliases expanded this file would hold more than "
                    f"{MAX_EXPANDED_NODES:,} values: too many aliases (*name)",
                    line,
                )
    except yaml.YAMLError:
        return  # a syntax error: load() reports it with its line


def load(text: str):
    """Parse YAML text safely; raise YAMLError with a line on bad syntax or a hostile shape."""
    _check_shape(text)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p) or str(exc)
        raise YAMLError(message, line) from None
    except yaml.YAMLError as exc:
        raise YAMLError(str(exc), 1) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise YAMLError(f"a value cannot be read: {str(exc)[:120]}", 1) from None
    except RecursionError:  # not reached with MAX_DEPTH, kept as the last line of defence
        raise YAMLError("nested too deeply", 1) from None


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
