"""Safe YAML loading that remembers line numbers and refuses hostile input.

Every YAML file licheck reads (manifests, contexts, configs, rule files, catalogue,
model-card front matter) goes through here:

* `yaml.SafeLoader` only: no Python objects are ever constructed;
* mappings and lists come back as `YamlMap` / `YamlList`, which remember the line of each
  key or item, so validation errors can say `file:line`;
* duplicate keys are an error (the second would silently win otherwise);
* alias use is bounded (a "billion laughs" document is refused, not expanded);
* the file size is capped before parsing.

PyYAML is imported on the first parse: a command that reads no YAML (no config file, the
bundled data pre-parsed: `licheck.data`) never loads it.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from licheck.errors import ConfigError
from licheck.files import MAX_TEXT_BYTES, read_text
from licheck.yamldoc import YamlInt, YamlList, YamlMap, line_of

if TYPE_CHECKING:
    import yaml

_STR_TAG = "tag:yaml.org,2002:str"

__all__ = ["MAX_YAML_BYTES", "YamlList", "YamlMap", "line_of", "load_yaml", "parse_yaml", "read_text"]

MAX_YAML_BYTES = MAX_TEXT_BYTES
MAX_ALIASES = 200
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 1_000_000



def _check_graph(root: yaml.Node, mark: Any) -> None:
    """Refuse alias bombs and absurd nesting before anything is constructed.

    Composing never expands aliases (an alias is the same node object), so the graph is
    walked as consumers would see it, counting expanded nodes and aliased revisits, and
    stopping at the first bound crossed. A recursive alias also ends here.
    """
    import yaml

    budget = MAX_EXPANDED_NODES
    seen: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise yaml.constructor.ConstructorError(
                None, None, "document expands to too many nodes (alias bomb?): refusing it",
                node.start_mark)
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"more than {MAX_ALIASES} aliases: refusing to expand",
                        node.start_mark)
            seen.add(id(node))
            children = (
                [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode) else list(node.value)
            )
            stack.extend((child, depth + 1) for child in children)


def _construct_map(loader: Any, node: yaml.MappingNode) -> YamlMap:
    import yaml

    loader.flatten_mapping(node)
    result = YamlMap()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_list(loader: Any, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    import yaml

    # PyYAML raises a bare ValueError for an impossible date such as 2027-02-30.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid date '{node.value}': {exc}", node.start_mark) from None


_PLAIN_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    import yaml

    value: int = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    if _PLAIN_DECIMAL.fullmatch(node.value):
        return value
    return YamlInt(value, node.value)


@cache
def _loader() -> type:
    """The Loader class (built on first use, so that importing this module imports no PyYAML).

    libyaml's parser is several times faster than the pure-Python one; both are "safe"."""
    import yaml

    base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc, valid-type]
        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            _check_graph(node, node.start_mark)
            return self.construct_document(node)

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            # Plain strings are most of every document: SafeConstructor would return
            # `node.value` too, after a memo lookup and two dispatches (a third of load time).
            if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
                return node.value
            return super().construct_object(node, deep=deep)

    _Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
    _Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
    return _Loader


# libyaml's composer recurses in C, where no RecursionError guards it: about 25 000 nested
# collections (50 KB of "[") overflow the stack and kill the process before _check_graph runs.
# Nesting depth is at most 2 per indentation column plus one per flow bracket; when that cheap
# bound is small the text is safe to compose, else the (iterative) event stream measures it.
_SAFE_NESTING_BOUND = 1000


def _refuse_deep_nesting(text: str) -> None:
    import yaml

    longest = max(map(len, text.split("\n")))
    if 2 * (longest + 1) + text.count("[") + text.count("{") <= _SAFE_NESTING_BOUND:
        return
    depth = 0
    base: Any = _loader().__base__   # the libyaml (or pure-Python) SafeLoader
    for event in yaml.parse(text, Loader=base):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                # libyaml's events carry its own Mark type, with the same fields.
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark)  # type: ignore[arg-type]
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def parse_yaml(text: str, path: str | os.PathLike[str], *, line_offset: int = 0) -> Any:
    """Parse YAML text; errors name `path` and the line (shifted by `line_offset`)."""
    import yaml

    _Loader = _loader()
    try:
        _refuse_deep_nesting(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a (C)SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None
        if mark is not None:
            # At the end of the stream, libyaml's mark can sit a line past the text; name the
            # line where the stream really ends, as the pure-Python parser does.
            at_end = mark.index >= len(text)
            line = (text.count("\n") if at_end else mark.line) + 1 + line_offset
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"invalid YAML: {problem}", path=path, line=line) from None
    except yaml.reader.ReaderError as exc:
        # A NUL or other forbidden character; its str() spans two lines and names no line.
        # libyaml counts the position in UTF-8 bytes, the pure-Python reader in characters.
        before = (text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n")
                  if _Loader.__base__ is not yaml.SafeLoader else text[: exc.position].count("\n"))
        line = before + 1 + line_offset
        raise ConfigError(f"invalid YAML: unacceptable character #x{exc.character:04x}",
                          path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=path) from None
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", path=path) from None
    except (ValueError, OverflowError) as exc:  # a scalar PyYAML could not convert
        raise ConfigError(f"invalid YAML value: {exc}", path=path) from None


def load_yaml(path: str | os.PathLike[str], *, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Read and safely parse a YAML file."""
    return parse_yaml(read_text(path, max_bytes=max_bytes), path)
