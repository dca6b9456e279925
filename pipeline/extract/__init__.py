"""Extraction stage: fetched page bytes -> clean article rows (trafilatura as a parser only).

Public API:
  extract_article(page, run_id, *, max_html_bytes, min_words) -> dict   (article.py)
  ExtractArticleFn / ExtractArticles(run_id, ...)                     (transforms.py, Beam)
  decode_html, canonicalize_url, choose_canonical, article_id,
  choose_published_at, split_wire_furniture, run_with_limits, ChildProcessRunner

Nothing is imported here, so that e.g. `pipeline.extract.urls` can be used without
loading trafilatura or Beam.
"""
