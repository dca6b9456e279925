"""Language identification: accuracy and speed on a labelled multilingual set, and page metadata vs text.

    .venv/bin/python bench/langid_eval.py [--json FILE]

1. `bench/data/langid/texts.jsonl` (171 texts, 19 languages; tiny / short / long): accuracy per length and
   per language, texts per second (one core, model loaded beforehand), for
   - the stop-word vote wirebeam used before (12 languages; `bench/data/langid/stopword_vote.json`),
   - py3langid as wirebeam uses it (`pipeline.extract.language.detect_language`: an answer only when the
     identifier is >= 0.3 sure; and the bare top label),
   - lingua (high and low accuracy modes), when `lingua-language-detector` is installed (it is not a dependency).
2. Page metadata against the text, on the extraction benchmark's real pages (`../shared/eval/extraction/`,
   skipped when absent): how often a page's declared language (`<html lang>`, og:locale, Content-Language)
   disagrees with what the identifier reads in its ground-truth body, and what `choose_language` answers then.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "data" / "langid"
EXTRACTION = ROOT.parent / "shared" / "eval" / "extraction"
LENGTHS = ("tiny", "short", "long")


def load_texts() -> list[dict]:
    return [json.loads(line) for line in (DATA / "texts.jsonl").read_text(encoding="utf-8").splitlines() if line]


def stopword_vote() -> Callable[[str], str | None]:
    """The vote as wirebeam had it: most function-word hits in the first 2,000 words, >= 5 hits and 5 %."""
    words_of = {lang: frozenset(words.split()) for lang, words in
                json.loads((DATA / "stopword_vote.json").read_text(encoding="utf-8")).items()}
    word_re = re.compile(r"\w+", re.UNICODE)

    def vote(text: str) -> str | None:
        words = [w.lower() for w in word_re.findall(text[:20_000])][:2000]
        counts = Counter(words)
        lang, hits = max(((lang, sum(counts[w] for w in stops)) for lang, stops in words_of.items()),
                         key=lambda kv: kv[1])
        return lang if words and hits >= 5 and hits >= 0.05 * len(words) else None

    return vote


def methods() -> dict[str, Callable[[str], str | None]]:
    from pipeline.extract.language import _identifier, detect_language, iso_code

    found = {
        "stop-word vote (before)": stopword_vote(),
        "py3langid, wirebeam (>= 0.3 sure)": detect_language,
        "py3langid, top label": lambda text: iso_code(_identifier().classify(text)[0]),
    }
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        print("lingua-language-detector is not installed: its rows are left out (pip install lingua-language-detector)")
        return found
    for mode, builder in (("high", LanguageDetectorBuilder.from_all_languages()),
                          ("low", LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode())):
        detector = builder.with_preloaded_language_models().build()
        found[f"lingua, {mode} accuracy"] = _lingua(detector)
    return found


def _lingua(detector) -> Callable[[str], str | None]:
    def detect(text: str) -> str | None:
        language = detector.detect_language_of(text)
        code = language.iso_code_639_1.name.lower() if language else None
        return "no" if code in ("nb", "nn") else code  # the set labels Norwegian Bokmål `no`, as py3langid does

    return detect


def score(name: str, detect: Callable[[str], str | None], texts: list[dict]) -> dict:
    detect("warm-up: the model is loaded before timing")
    started = time.process_time()
    answers = [detect(t["text"]) for t in texts]
    seconds = time.process_time() - started
    right = defaultdict(int)
    totals = Counter(t["length"] for t in texts)
    per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for text, answer in zip(texts, answers):
        ok = answer == text["lang"]
        right[text["length"]] += ok
        per_language[text["lang"]][0] += ok
        per_language[text["lang"]][1] += 1
        if not ok:
            misses.append((text["id"], answer))
    return {
        "method": name,
        "by_length": {length: [right[length], totals[length]] for length in LENGTHS},
        "all": [sum(right.values()), len(texts)],
        "per_language": dict(per_language),
        "texts_per_second": round(len(texts) / seconds) if seconds else None,
        "misses": misses,
    }


def metadata_against_text() -> dict | None:
    """Declared language vs the identifier on the benchmark pages' ground-truth bodies."""
    truth_file = EXTRACTION / "ground-truth.json"
    if not truth_file.exists():
        print(f"\n{EXTRACTION} is absent: the metadata comparison is skipped")
        return None
    from pipeline.extract.language import choose_language, identify_language, language_from_html

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    declared = disagree = 0
    cases = []
    for page_id, page in sorted(truth.items()):
        html = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        body = page["articleBody"]
        meta = language_from_html(html)
        detected, probability = identify_language(body)
        if meta is None:
            continue
        declared += 1
        if meta != detected:
            disagree += 1
            cases.append({"page": page_id[:12], "declared": meta, "text": detected, "probability": round(probability, 3),
                          "chosen": choose_language(None, html, body), "starts": body[:70]})
    return {"pages": len(truth), "declared": declared, "disagree": disagree, "cases": cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    texts = load_texts()
    languages = sorted({t["lang"] for t in texts})
    print(f"{len(texts)} texts, {len(languages)} languages ({', '.join(languages)}); "
          + ", ".join(f"{n} {length}" for length, n in Counter(t["length"] for t in texts).items()))
    results = [score(name, detect, texts) for name, detect in methods().items()]
    print(f"\n{'method':36} {'tiny':>7} {'short':>7} {'long':>7} {'all':>9} {'texts/s':>9}")
    for r in results:
        cells = [f"{a}/{b}" for a, b in (r["by_length"][length] for length in LENGTHS)]
        print(f"{r['method']:36} {cells[0]:>7} {cells[1]:>7} {cells[2]:>7} {r['all'][0]:>4}/{r['all'][1]:<4} "
              f"{r['texts_per_second'] or 0:>9,}")
    print("\nper language (right of 9):")
    print(f"{'':36} " + " ".join(f"{lang:>3}" for lang in languages))
    for r in results:
        print(f"{r['method']:36} " + " ".join(f"{r['per_language'][lang][0]:>3}" for lang in languages))
    for r in results[1:]:
        print(f"\n{r['method']} missed: " + ", ".join(f"{i}->{a}" for i, a in r["misses"]) or "none")
    metadata = metadata_against_text()
    if metadata:
        print(f"\npage metadata vs text, {metadata['pages']} benchmark pages: {metadata['declared']} declare a "
              f"language, {metadata['disagree']} disagree with the identifier on their ground-truth body:")
        for case in metadata["cases"]:
            print(f"  {case['page']}: declared {case['declared']}, text {case['text']} ({case['probability']}), "
                  f"wirebeam says {case['chosen']}: {case['starts']!r}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "metadata": metadata}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
