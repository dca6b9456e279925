"""The enrichment stage in Beam: article dicts in, the same dicts with entities,
quantities and counts out; documents spaCy cannot process go to dead letters.

Design, measured in bench/entities_bench.py:
- One spaCy pipeline per worker process, shared by its threads through
  `shared.Shared` (a model is ~50 MB and ~1 s to load; threads only read it).
- `BatchElements` before the DoFn, so `nlp.pipe` sees many texts at once.
  Buffering inside the DoFn and flushing in finish_bundle would batch too, but
  has to re-attach windows and timestamps by hand and holds a whole bundle in
  memory; BatchElements gives the same throughput (see the bench) and keeps
  the DoFn a plain function of its batch.
- One nlp pass per document feeds both the entities and the quantities.
- The places step (pipeline/enrich/geo) runs on what that pass found: every place
  entity, demonym and count's place gets its GeoNames feature from an offline
  gazetteer loaded once per worker process (~0.3 s, ~40 MB), beside the model.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics
from apache_beam.utils import shared
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.enrich.entities import common_words, entities_from_doc, summarize_entities
from pipeline.enrich.geo.attach import place_columns
from pipeline.enrich.geo.gazetteer import Gazetteer, shared_gazetteer
from pipeline.enrich.geo.gazetteer import check_installed as check_gazetteer_installed
from pipeline.enrich.model import DEFAULT_MODEL, check_model_installed, load_nlp
from pipeline.records import DeadLetter

# Far above any news article (~16,000 words) and well under spaCy's
# max_length; bounds the memory and time one pathological page can take.
DEFAULT_MAX_CHARS = 100_000
# Texts per nlp.pipe batch. spaCy's peak memory grows with the tokens of one
# batch (~1.2 GB per process for 64 wire stories of ~800 words, ~0.45 GB for
# 8; bench/experiments.py) while its speed does not improve past ~4-8 long texts.
DEFAULT_BATCH_SIZE = 8
METRICS_NAMESPACE = "enrich"

_LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "xx": "multi-language",
}  # fmt: skip


def _quantities_module() -> ModuleType | None:
    """pipeline.enrich.quantities if it exists; its own import errors still surface."""
    if importlib.util.find_spec("pipeline.enrich.quantities") is None:
        return None
    return importlib.import_module("pipeline.enrich.quantities")


# ----------------------------------------------------------------- pure helpers


def language_mismatch(article_language: str | None, model_language: str) -> str | None:
    """Why an article must not go through this model, or None if it may.

    An unknown language is run (most feeds are English and say nothing); a
    multi-language model ("xx") runs everything.
    """
    if not article_language or model_language == "xx":
        return None
    primary = article_language.replace("_", "-").split("-")[0].lower()
    if primary == model_language:
        return None
    name = _LANGUAGE_NAMES.get(model_language, model_language)
    return f"skipped: language={primary}, model is {name}"


def truncate_text(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars`, at the last whitespace before the limit."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    cut = max(cut, text.rfind("\n", 0, max_chars))
    return text[: cut if cut > max_chars // 2 else max_chars]


def empty_enrichment(status: str) -> dict[str, Any]:
    return {"entities": [], "entity_summary": [], "quantities": [], "event_counts": [], "countries": [],
            "primary_country": None, "enrichment_status": status}


@dataclass(frozen=True)
class Plan:
    """What to do with one article: the text to run, or the status to write without running."""

    text: str | None
    status: str


def plan_article(article: dict[str, Any], model_language: str, max_chars: int) -> Plan:
    text = article.get("text")
    if not isinstance(text, str):
        raise TypeError(f"article text is {type(text).__name__}, not str")
    skip = language_mismatch(article.get("language"), model_language)
    if skip:
        return Plan(None, skip)
    if not text.strip():
        return Plan(None, "skipped: empty text")
    run = truncate_text(text, max_chars)
    if len(run) < len(text):
        return Plan(run, f"ok; truncated to {len(run)} of {len(text)} characters")
    return Plan(run, "ok")


def enrich_doc(
    doc: Doc,
    article: dict[str, Any],
    status: str,
    quantities: ModuleType | None,
    known_words: frozenset[str] = frozenset(),
    gazetteer: Gazetteer | None = None,
) -> dict[str, Any]:
    """Entity, quantity and place columns of one article from its Doc (places only with a gazetteer).

    `main_place` (the story's place, not an article column) rides along to the stories stage."""
    entities = entities_from_doc(
        doc, byline=article.get("byline"), credits=article.get("credits"), known_words=known_words
    )
    found_quantities: list[dict] = []
    event_counts: list[dict] = []
    if quantities is not None:
        try:
            found_quantities = quantities.extract_quantities(doc, entities)
            event_counts = quantities.rollup_event_counts(found_quantities)
        except Exception as exc:  # keep the entities; say why the counts are empty
            found_quantities, event_counts = [], []
            status = f"partial: quantities failed ({type(exc).__name__}: {exc})"[:500]
    columns = {
        "entities": entities,
        "entity_summary": summarize_entities(entities),
        "quantities": found_quantities,
        "event_counts": event_counts,
        "enrichment_status": status,
    }
    if gazetteer is not None:
        try:
            columns.update(place_columns(article, entities, columns["entity_summary"], found_quantities, gazetteer))
        except Exception as exc:  # keep entities and counts; say why the places are empty
            columns["enrichment_status"] = f"partial: places failed ({type(exc).__name__}: {exc})"[:500]
    return columns


def dateline_places(article: dict[str, Any], gazetteer: Gazetteer | None) -> dict[str, Any]:
    """An article the model does not read still has its dateline: its country and the story's place
    (SITTEN on a German page is Sion, Switzerland). Nothing without a gazetteer or a dateline."""
    if gazetteer is None or not article.get("dateline_place"):
        return {}
    try:
        columns = place_columns(article, [], [], [], gazetteer)
    except Exception:  # the status already says why the columns are empty
        return {}
    return {k: columns[k] for k in ("countries", "primary_country", "dateline_geo", "main_place")}


def _dead_letter(article: dict[str, Any], error_type: str, exc: BaseException) -> DeadLetter:
    url = article.get("url") if isinstance(article, dict) else None
    return DeadLetter(
        stage="enrich",
        url=str(url or "<unknown>"),
        feed_url=article.get("feed_url") if isinstance(article, dict) else None,
        error_type=error_type,
        message=f"{type(exc).__name__}: {exc}"[:1000],
    )


def _docs_guarded(nlp: Language, texts: list[str], batch_size: int) -> list[Doc | BaseException]:
    """Docs for `texts`; a text that makes spaCy raise gives its exception instead.

    The batch goes through nlp.pipe in one call; only if that raises is it
    re-run one text at a time, to find the culprit and save the others.
    """
    try:
        return list(nlp.pipe(texts, batch_size=batch_size))
    except Exception:
        out: list[Doc | BaseException] = []
        for text in texts:
            try:
                out.append(nlp(text))
            except Exception as exc:
                out.append(exc)
        return out


def enrich_batch(
    nlp: Language,
    articles: Iterable[dict[str, Any]],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    quantities: ModuleType | None = None,
    known_words: frozenset[str] = frozenset(),
    gazetteer: Gazetteer | None = None,
) -> Iterator[dict[str, Any] | DeadLetter]:
    """Enriched copies of `articles` (in order), or a DeadLetter for each that failed.

    `quantities`: the pipeline.enrich.quantities module, or None to leave those
    columns empty; `known_words`: entities.common_words(nlp); `gazetteer`: the
    places gazetteer, or None to leave the geo columns empty.
    """
    max_chars = min(max_chars, nlp.max_length - 1)
    planned: list[tuple[dict[str, Any], Plan | BaseException]] = []
    for article in articles:
        try:
            planned.append((article, plan_article(article, nlp.lang, max_chars)))
        except Exception as exc:
            planned.append((article, exc))
    texts = [p.text for _, p in planned if isinstance(p, Plan) and p.text is not None]
    docs = iter(_docs_guarded(nlp, texts, batch_size))
    for article, plan in planned:
        if isinstance(plan, BaseException):
            yield _dead_letter(article, "bad_input", plan)
        elif plan.text is None:
            yield {**article, **empty_enrichment(plan.status), **dateline_places(article, gazetteer)}
        else:
            doc = next(docs)
            if isinstance(doc, BaseException):
                yield _dead_letter(article, "nlp_error", doc)
                continue
            try:
                yield {**article, **enrich_doc(doc, article, plan.status, quantities, known_words, gazetteer)}
            except Exception as exc:
                yield _dead_letter(article, "enrich_error", exc)


# ------------------------------------------------------------------------ Beam


class _SharedNlp:
    """What one worker process shares: the pipeline and its word list (weak-referenceable, as Shared requires)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.known_words = common_words(nlp)


class EnrichArticlesFn(beam.DoFn):
    """Enrich a batch (list) of article dicts, or one article dict.

    Main output: the article dicts with entity and quantity columns filled.
    Tagged output 'dead_letters': DeadLetter(stage='enrich') for each failure.
    """

    def __init__(
        self,
        spacy_model: str = DEFAULT_MODEL,
        with_parser: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_chars: int = DEFAULT_MAX_CHARS,
        shared_handle: shared.Shared | None = None,
    ) -> None:
        self.spacy_model = spacy_model
        self.with_parser = with_parser
        self.batch_size = batch_size
        self.max_chars = max_chars
        self._shared_handle = shared_handle or shared.Shared()
        self._nlp: Language | None = None
        self._holder: _SharedNlp | None = None
        self._quantities: ModuleType | None = None
        self._gazetteer: Gazetteer | None = None
        self._known_words: frozenset[str] = frozenset()
        self.enriched = Metrics.counter(METRICS_NAMESPACE, "articles_enriched")
        self.skipped = Metrics.counter(METRICS_NAMESPACE, "articles_skipped")
        self.truncated = Metrics.counter(METRICS_NAMESPACE, "articles_truncated")
        self.partial = Metrics.counter(METRICS_NAMESPACE, "articles_partial")
        self.failed = Metrics.counter(METRICS_NAMESPACE, "dead_letters")
        self.entity_mentions = Metrics.counter(METRICS_NAMESPACE, "entity_mentions")
        self.words = Metrics.counter(METRICS_NAMESPACE, "words")
        self.batch_sizes = Metrics.distribution(METRICS_NAMESPACE, "batch_size")

    def _load(self) -> _SharedNlp:
        return _SharedNlp(load_nlp(self.spacy_model, with_parser=self.with_parser))

    def setup(self) -> None:
        # The model loads in the background: the steps fused before this one
        # (fetching, extraction) start at once instead of waiting seconds for it.
        self._load_error: BaseException | None = None
        self._loading = threading.Thread(target=self._acquire, name="wirebeam-load-model", daemon=True)
        self._loading.start()

    def _acquire(self) -> None:
        try:
            tag = f"{self.spacy_model}|parser={self.with_parser}"
            self._holder = self._shared_handle.acquire(self._load, tag=tag)
            self._known_words = self._holder.known_words
            self._quantities = _quantities_module()
            self._gazetteer = shared_gazetteer()  # one per process, like the model; loads from its cache
            self._nlp = self._holder.nlp
        except BaseException as error:  # re-raised by the first process() call, on the bundle's thread
            self._load_error = error

    def model(self) -> Language:
        """The worker's shared model, once loaded (waits for setup()'s background load).

        A method, not a property: Beam inspects every attribute of a DoFn before setup()."""
        if self._nlp is None:
            loading = getattr(self, "_loading", None)
            assert loading is not None, "setup() was not called"
            loading.join()
            if self._load_error is not None:
                raise RuntimeError(f"loading spaCy model {self.spacy_model!r} or the places gazetteer failed: "
                                   f"{self._load_error}") from self._load_error
        assert self._nlp is not None
        return self._nlp

    def process(self, element: dict[str, Any] | list[dict[str, Any]]) -> Iterator[Any]:
        nlp = self.model()
        batch = element if isinstance(element, list) else [element]
        self.batch_sizes.update(len(batch))
        for out in enrich_batch(
            nlp,
            batch,
            max_chars=self.max_chars,
            batch_size=self.batch_size,
            quantities=self._quantities,
            known_words=self._known_words,
            gazetteer=self._gazetteer,
        ):
            if isinstance(out, DeadLetter):
                self.failed.inc()
                yield pvalue.TaggedOutput("dead_letters", out)
                continue
            self._count(out)
            yield out

    def _count(self, article: dict[str, Any]) -> None:
        status = article["enrichment_status"]
        if status.startswith("skipped"):
            self.skipped.inc()
            return
        self.enriched.inc()
        if "truncated" in status:
            self.truncated.inc()
        if status.startswith("partial"):
            self.partial.inc()
        self.entity_mentions.inc(len(article["entities"]))
        self.words.inc(len(article["text"].split()))


class EnrichArticles(beam.PTransform):
    """Article dicts -> enriched article dicts ('articles') and DeadLetters ('dead_letters').

    Fails at construction, before any work, when the spaCy model is not installed.
    """

    def __init__(
        self,
        spacy_model: str = DEFAULT_MODEL,
        with_parser: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_chars: int = DEFAULT_MAX_CHARS,
        label: str | None = None,
    ) -> None:
        super().__init__(label)
        check_model_installed(spacy_model)
        check_gazetteer_installed()
        self.spacy_model = spacy_model
        self.with_parser = with_parser
        self.batch_size = batch_size
        self.max_chars = max_chars

    def expand(self, articles: beam.PCollection) -> pvalue.DoOutputsTuple:
        return (
            articles
            # BatchElements never waits across bundles, so a floor on the batch
            # costs no latency and spares its slow start from single texts
            | "BatchForNlp"
            >> beam.BatchElements(min_batch_size=min(16, self.batch_size), max_batch_size=self.batch_size)
            | "EnrichBatch"
            >> beam.ParDo(
                EnrichArticlesFn(self.spacy_model, self.with_parser, self.batch_size, self.max_chars)
            ).with_outputs("dead_letters", main="articles")
        )

