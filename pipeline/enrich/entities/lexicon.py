"""The word lists the entity rules read, loaded once from `data/words.yaml`.

Data, so a reader can audit (and a maintainer edit) which words are titles, directions,
event words or acronym connectors without reading code. Each name below is one key of
the file, upper-cased, as a frozenset.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def _file() -> dict[str, Any]:
    text = resources.files("pipeline.enrich.entities").joinpath("data", "words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _words(key: str) -> frozenset[str]:
    values = _file()[key]
    if not all(isinstance(v, str) for v in values):  # a bare `on` or `no` in YAML is a boolean: quote it
        raise ValueError(f"words.yaml: {key} holds a value that is not a string: {values!r}")
    return frozenset(values)


PERSON_TITLES = _words("person_titles")
LEADING_NON_NAME_WORDS = _words("leading_non_name_words")
EVENT_FIRST_WORDS = _words("event_first_words")
EVENT_LAST_WORDS = _words("event_last_words")
ACRONYM_STOPWORDS = _words("acronym_stopwords")
