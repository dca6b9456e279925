"""Safe, polite HTTP for feeds, pages and robots.txt (see http.py)."""

from pipeline.fetch.http import HttpClient, HttpResponse
from pipeline.fetch.policy import FetchPolicy

__all__ = ["FetchPolicy", "HttpClient", "HttpResponse"]
