"""Pages in the buyer's language: the catalogs, local dates, the language settings, the
site's own wording, and everything mapsite writes around a plan (page, password and
gone pages, calendars, mail texts) built with the real CLI and read back."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
from babel.dates import format_skeleton
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from support import REPO, TODAY, VALID_PLAN, token_for

from mapsite import i18n, wording

LOCALE = REPO / "mapsite" / "locale"
TRANSLATED = ["ar", "de", "es", "fr", "ja", "pt_BR"]
"""Languages whose catalog is complete: the lead adds each one as its translation lands."""

# On TODAY (Mon 23 Nov 2026): the order form is due Tue 1 Dec (in 8 days), its
# signature and the contract Tue 15 Dec; go-live is Wed 31 Mar 2027 (in 4 months).
PLAN = VALID_PLAN.replace(
    "  - name: Sam Ortiz\n    side: seller\n",
    "  - name: Sam Ortiz\n    side: seller\n    email: sam@contoso.example\n",
)


def with_language(text: str, code: str) -> str:
    return text.replace("title: Revenue forecasting rollout\n",
                        f"title: Revenue forecasting rollout\nlanguage: {code}\n", 1)  # fmt: skip


def build(run, env: dict[str, str] | None = None) -> Path:
    result = run("build", "--today", TODAY, env={"URL": "", **(env or {})})
    assert result.exit_code == 0, result.output
    return Path("public").absolute()


def words(page: Path) -> str:
    """What a reader sees (and a screen reader says): the text without tags or icons."""
    text = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(text))


def html_tag(page: Path) -> str:
    found = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8"))
    assert found
    return found[0]


def catalog(code: str) -> dict[str, str]:
    """The shipped .po of ``code`` read with Babel alone: msgid -> msgstr."""
    with (LOCALE / code / "LC_MESSAGES" / "mapsite.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if isinstance(m.id, str) and m.id}


# --- the catalogs ----------------------------------------------------------------------


def extracted(tmp_path: Path) -> set[tuple[str | None, str | tuple[str, ...]]]:
    """What 'make messages' extracts from the code and templates now."""
    out = tmp_path / "now.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "NN_:1,2", "-k", "pgettext:1c,2", "-k", "npgettext:1c,2,3",
         "--no-location", "-o", str(out), "."],
        cwd=REPO, check=True,
    )  # fmt: skip
    with out.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_the_committed_template_holds_every_string_the_code_and_templates_use(
    tmp_path: Path,
) -> None:
    with (LOCALE / "mapsite.pot").open("rb") as f:
        committed = {(m.context, m.id) for m in read_po(f) if m.id}
    now = extracted(tmp_path)
    assert now == committed, (
        f"mapsite/locale/mapsite.pot is stale: run 'make messages' "
        f"(new: {sorted(map(str, now - committed))[:5]}, gone: "
        f"{sorted(map(str, committed - now))[:5]})"
    )


@pytest.mark.parametrize("code", [c for c in i18n.SHIPPED if c != i18n.SOURCE])
def test_every_catalog_lists_every_string_with_its_languages_plural_forms(code: str) -> None:
    with (LOCALE / "mapsite.pot").open("rb") as f:
        template = {(m.context, m.id) for m in read_po(f) if m.id}
    with (LOCALE / code / "LC_MESSAGES" / "mapsite.po").open("rb") as f:
        po = read_po(f)
    assert {(m.context, m.id) for m in po if m.id} == template, "run 'make messages'"
    assert po.num_plurals == get_plural(code).num_plurals
    assert po.plural_expr == get_plural(code).plural_expr
    for m in po:  # a translation keeps every %(field)s of its English string
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        for form in filter(None, forms):
            assert i18n.placeholders(form) == i18n.placeholders(ids[-1]), (code, m.id, form)


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_complete_catalog_translates_every_string(code: str) -> None:
    with (LOCALE / code / "LC_MESSAGES" / "mapsite.po").open("rb") as f:
        missing = [m.id for m in read_po(f) if m.id and not all(
            m.string if isinstance(m.string, tuple) else (m.string,))]  # fmt: skip
    assert missing == []
    assert i18n.untranslated(code) == ()


@pytest.mark.parametrize("code", i18n.SHIPPED)
def test_what_a_catalog_lacks_is_each_string_with_an_empty_form(code: str) -> None:
    if code == i18n.SOURCE:
        assert i18n.untranslated(code) == ()
        return
    with (LOCALE / code / "LC_MESSAGES" / "mapsite.po").open("rb") as f:
        empty = {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in read_po(f)
            if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
        }
    assert set(i18n.untranslated(code)) == empty


def test_words_with_a_context_and_plural_forms_from_a_catalog() -> None:
    """A catalog with a context string (the kind mapsite's "Download" before "PDF" is)."""
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    source = Catalog(locale="de")
    source.add("Word", "Wort (ohne)")
    source.add("Word", "Wort", context="here")
    source.add(("%(n)s day", "%(n)s days"), ("%(n)s Tag", "%(n)s Tage"), context="here")
    mo = BytesIO()
    write_mo(mo, source)
    mo.seek(0)
    import gettext

    lang = i18n.Language("de", gettext.GNUTranslations(mo))
    with i18n.speaking(lang):
        assert i18n.pgettext("here", "Word") == "Wort"
        assert i18n.npgettext("here", "%(n)s day", "%(n)s days", 1) == "%(n)s Tag"
        assert i18n.npgettext("here", "%(n)s day", "%(n)s days", 5) == "%(n)s Tage"
        assert i18n.pgettext("elsewhere", "Word") == "Word"


def test_the_catalogs_messages_and_what_each_language_lacks() -> None:
    assert i18n.messages()["Go-live"] is False
    assert i18n.messages()["%(count)s day"] is True  # a plural string, by its singular
    assert i18n.untranslated("en") == ()
    assert "Next up" in i18n.untranslated("fr") or catalog("fr").get("Next up")
    assert len(i18n.untranslated("xx")) == len(i18n.messages())  # no catalog at all


# --- language codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "shipped"),
    [("de", "de"), ("DE", "de"), ("de-DE", "de"), ("de_at", "de"), (" fr ", "fr"),
     ("pt-BR", "pt_BR"), ("pt_br", "pt_BR"), ("pt", "pt_BR"), ("en-US", "en"), ("ja", "ja"),
     ("de-CH-1996", "de"), ("xx", None), ("", None), ("zh-CN", None), ("d", None),
     ("-de", None)],
)  # fmt: skip
def test_a_language_is_its_code_with_any_region_and_case(written: str, shipped: str) -> None:
    assert i18n.canonical(written) == shipped


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("xx", "supported: ar, de, en, es, fr, ja, pt_BR"),
        ("German", "did you mean 'de'? supported: ar, de, en, es, fr, ja, pt_BR"),
        ("japanese", "did you mean 'ja'? supported: ar, de, en, es, fr, ja, pt_BR"),
        ("portugese", "did you mean 'pt_BR'? supported: ar, de, en, es, fr, ja, pt_BR"),
        ("esp", "did you mean 'es'? supported: ar, de, en, es, fr, ja, pt_BR"),
        ("dx", "did you mean 'de'? supported: ar, de, en, es, fr, ja, pt_BR"),
    ],
)
def test_an_unknown_language_names_the_supported_ones(written: str, hint: str) -> None:
    assert i18n.unknown_language(written) == (f"unknown language '{written}'", hint)


def test_an_unknown_language_in_the_settings_is_located(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("title: Plans\nlanguage: german\n", encoding="utf-8")
    write_plan("northwind", with_language(PLAN, "klingon"))
    result = run("check", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "mapsite.yml:2:11: language: unknown language 'german' (did you mean 'de'? "
        "supported: ar, de, en, es, fr, ja, pt_BR)",
        "plans/northwind.md:3:11: language: unknown language 'klingon' "
        "(supported: ar, de, en, es, fr, ja, pt_BR)",
        "2 errors in 2 files",
    ]


# --- dates, durations, numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, (0, "day")), (13, (13, "day")), (14, (2, "week")), (-21, (3, "week")),
     (59, (8, "week")), (60, (2, "month")), (729, (24, "month")), (730, (2, "year")),
     (1100, (3, "year")), (1279, (4, "year"))],
)  # fmt: skip
def test_a_duration_is_said_in_whole_days_weeks_months_or_years(days: int, said) -> None:
    assert i18n.span(days) == said


ENGLISH = i18n.language("en")
GERMAN = i18n.language("de")


@pytest.mark.parametrize(
    ("days", "english", "german"),
    [
        (0, "today", "heute"),
        (1, "tomorrow", "morgen"),
        (-1, "yesterday", "gestern"),
        (2, "in 2 days", "in 2 Tagen"),
        (-2, "2 days ago", "vor 2 Tagen"),
        (21, "in 3 weeks", "in 3 Wochen"),
        (-7, "7 days ago", "vor 7 Tagen"),
        (128, "in 4 months", "in 4 Monaten"),
        (-800, "2 years ago", "vor 2 Jahren"),
    ],
)
def test_relative_dates_in_english_and_german(days: int, english: str, german: str) -> None:
    today = date(2026, 11, 23)
    when = date.fromordinal(today.toordinal() + days)
    assert (ENGLISH.relative(when, today), GERMAN.relative(when, today)) == (english, german)


def test_relative_and_durations_need_a_date_and_say_one_in_the_singular() -> None:
    today = date(2026, 11, 23)
    assert ENGLISH.relative(None, today) == GERMAN.relative(None, today) == ""
    assert [ENGLISH.duration(n) for n in (1, -1, 0, 7, 21, 365)] == [
        "1 day", "1 day", "0 days", "7 days", "3 weeks", "12 months"]  # fmt: skip
    assert [GERMAN.duration(n) for n in (1, 9, 14, 31, 61, 800)] == [
        "1 Tag", "9 Tage", "2 Wochen", "4 Wochen", "2 Monate", "2 Jahre"]  # fmt: skip


def test_dates_are_written_the_way_each_language_writes_them() -> None:
    today = date(2026, 11, 23)
    dec1, go_live = date(2026, 12, 1), date(2027, 3, 31)
    assert ENGLISH.format_date(dec1, today) == "Tue 1 Dec"
    assert ENGLISH.format_date(go_live, today) == "Wed 31 Mar 2027"
    assert GERMAN.format_date(dec1, today) == "Di., 1. Dez."
    assert GERMAN.format_date(go_live, today) == "Mi., 31. März 2027"
    assert GERMAN.full_date(dec1) == "Di., 1. Dez. 2026"
    assert GERMAN.full_date(dec1, year=False) == "Di., 1. Dez."
    assert i18n.language("ja").format_date(dec1, today) == "12月1日(火)"
    assert ENGLISH.format_date(None, today) == "No date"
    assert GERMAN.format_date(None, today) == "Kein Termin"
    assert [ENGLISH.month(dec1), GERMAN.month(dec1), i18n.language("ja").month(dec1)] == [
        "Dec", "Dez", "12月"]  # fmt: skip


def test_numbers_percents_and_what_a_language_reads_from_cldr() -> None:
    assert (ENGLISH.number(1234), GERMAN.number(1234)) == ("1,234", "1.234")
    assert (ENGLISH.percent(40), GERMAN.percent(40)) == ("40%", "40\xa0%")
    assert GERMAN.percent(100) == "100\xa0%"
    arabic, brazil = i18n.language("ar"), i18n.language("pt-br")
    assert [ENGLISH.direction, GERMAN.direction, arabic.direction] == ["ltr", "ltr", "rtl"]
    assert [ENGLISH.tag, brazil.tag, brazil.code] == ["en", "pt-BR", "pt_BR"]
    assert [ENGLISH.first_week_day, GERMAN.first_week_day, brazil.first_week_day] == [0, 0, 6]
    assert ENGLISH.plural_samples == {"one": 1, "other": 2}
    assert i18n.language("ja").plural_samples == {"other": 0}
    assert arabic.plural_samples == {
        "zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}  # fmt: skip


# --- words -------------------------------------------------------------------------


def test_the_language_spoken_is_set_around_a_page_and_english_outside() -> None:
    assert i18n.gettext("Next up") == "Next up"
    with i18n.speaking(GERMAN) as spoken:
        assert spoken is GERMAN is i18n.current()
        assert i18n.gettext("Next up") == "Als Nächstes"
        assert i18n.ngettext("%(count)s day", "%(count)s days", 1) == "%(count)s Tag"
        assert i18n.ngettext("%(count)s day", "%(count)s days", 3) == "%(count)s Tage"
        assert i18n.pgettext("before the word PDF", "Download") == "Download"
        assert i18n.format_date(date(2026, 12, 1), date(2026, 1, 1)) == "Di., 1. Dez."
        assert i18n.relative(date(2026, 12, 3), date(2026, 12, 1)) == "in 2 Tagen"
        assert i18n.duration(14) == "2 Wochen"
    with pytest.raises(KeyError), i18n.speaking(GERMAN):
        raise KeyError  # a page that fails leaves English behind it
    assert i18n.current() is i18n.ENGLISH
    assert i18n.gettext("Next up") == "Next up"
    assert i18n.N_("Next up") == "Next up"


def test_a_string_without_a_translation_stays_english_and_wording_wins() -> None:
    french = i18n.language("fr")
    assert french.gettext("Next up") == (catalog("fr").get("Next up") or "Next up")
    own = i18n.language("de", {"Go-live": "Start", "Download": "Holen"})
    assert (own.gettext("Go-live"), own.gettext("Next up")) == ("Start", "Als Nächstes")
    assert own.pgettext("before the word PDF", "Download") == "Holen"
    assert own.npgettext("x", "%(count)s day", "%(count)s days", 2) == "%(count)s days"
    assert "Go-live" in i18n.language("fr").missing or catalog("fr").get("Go-live")
    assert "Go-live" not in i18n.language("fr", {"Go-live": "Lancement"}).missing
    assert GERMAN.missing == []
    with pytest.raises(LookupError, match="unknown language 'xx'"):
        i18n.language("xx")
    assert repr(GERMAN) == "Language('de')"


# --- the site's own wording -------------------------------------------------------------


def test_wording_layers_from_the_base_theme_to_the_site_language_first() -> None:
    base = {"Go-live": "Launch", "Next up": "Coming", "de": {"Go-live": "Start"}}
    site = {"Next up": "Soon", "pt-BR": {"Next up": "Em breve"}, "fr": {"Go-live": "Lancement"}}
    assert wording.for_language([base, site], "de") == {"Go-live": "Start", "Next up": "Soon"}
    assert wording.for_language([base, site], "pt_BR") == {
        "Go-live": "Launch", "Next up": "Em breve"}  # fmt: skip
    assert wording.for_language([base, site], "en") == {"Go-live": "Launch", "Next up": "Soon"}
    assert wording.for_language([], "en") == {}


def test_mistakes_in_the_wording_are_located(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text(
        "strings:\n"
        "  Go live: Launch\n"
        "  Next up: [Soon]\n"
        "  Projected %(date)s: Soon\n"
        "  '%(count)s day': a day\n"
        "  de: Start\n"
        "  Go-live: {de: Start}\n"
        "  klingon:\n"
        "    Go-live: x\n"
        "  fr:\n"
        "    Timeline: Calendrier\n"
        "    Timelime: Calendrier\n"
        "  Banana split: Dessert\n"
        "  '%(done)s of %(total)s': done\n"
        "  Timeline: Plan for %(date)s\n",
        encoding="utf-8",
    )
    write_plan("northwind", PLAN)
    result = run("check", "--today", TODAY)
    hint = "the strings are mapsite's English texts, listed in mapsite/locale/mapsite.pot"
    assert result.output.splitlines() == [
        f"mapsite.yml:2:3: strings.Go live: unknown string 'Go live' (did you mean 'Go-live'? "
        f"{hint})",
        "mapsite.yml:3:12: strings.Next up: 'Next up' must be text (e.g. 'Next up: <your "
        "wording>')",
        "mapsite.yml:4:23: strings.Projected %(date)s: the wording of 'Projected %(date)s' "
        "must keep its fields: %(date)s (mapsite fills them in)",
        "mapsite.yml:5:3: strings.%(count)s day: '%(count)s day' changes with a number: its "
        "wording cannot be changed here (translate it in a catalog instead: "
        "docs/translating.md)",
        "mapsite.yml:6:7: strings.de: 'de' is a language: list the strings to change under it "
        "(e.g. 'de: {Go-live: Start}')",
        "mapsite.yml:7:12: strings.Go-live: 'Go-live' must be text, not a mapping (e.g. "
        "'Go-live: <your wording>')",
        "mapsite.yml:8:3: strings.klingon: unknown language 'klingon' (supported: ar, de, en, "
        "es, fr, ja, pt_BR)",
        f"mapsite.yml:12:5: strings.fr.Timelime: unknown string 'Timelime' (did you mean "
        f"'Timeline'? {hint})",
        f"mapsite.yml:13:3: strings.Banana split: unknown string 'Banana split' ({hint})",
        "mapsite.yml:14:28: strings.%(done)s of %(total)s: the wording of '%(done)s of "
        "%(total)s' must keep its fields: %(done)s, %(total)s (mapsite fills them in)",
        "mapsite.yml:15:13: strings.Timeline: the wording of 'Timeline' must keep its fields: "
        "none (mapsite fills them in)",
        "11 errors in 1 file",
    ]


def test_a_theme_and_the_site_reword_strings_in_one_language_or_all(
    site: Path, write_plan, run
) -> None:
    theme = site / "themes" / "acme"
    theme.mkdir(parents=True)
    (theme / "theme.yml").write_text(
        "strings:\n  Go-live: Launch\n  Next up: Coming up\n  de:\n    Go-live: Produktivstart\n",
        encoding="utf-8",
    )
    (site / "mapsite.yml").write_text(
        "theme: acme\nstrings:\n  Next up: Your next steps\n", encoding="utf-8"
    )
    write_plan("northwind", PLAN)
    write_plan("german", with_language(PLAN, "de"))
    public = build(run)
    english, german = (
        words(public / token_for("northwind") / "index.html"),
        words(public / token_for("german") / "index.html"),
    )
    assert "Launch" in english and "Your next steps" in english
    assert "Go-live" not in english.replace("go-live", "")
    assert "Produktivstart" in german and "Your next steps" in german
    assert "Als Nächstes" not in german


def test_wording_in_a_theme_is_checked_like_the_sites(site: Path, write_plan, run) -> None:
    theme = site / "themes" / "acme"
    theme.mkdir(parents=True)
    (theme / "theme.yml").write_text("strings:\n  Go-lives: Launch\n", encoding="utf-8")
    (site / "mapsite.yml").write_text("theme: acme\n", encoding="utf-8")
    write_plan("northwind", PLAN)
    result = run("check", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        "themes/acme/theme.yml:2:3: strings.Go-lives: unknown string 'Go-lives' "
        "(did you mean 'Go-live'?" in result.output
    )


# --- pages in a language -----------------------------------------------------------------


def test_a_german_plan_page(site: Path, write_plan, run) -> None:
    write_plan("northwind", with_language(PLAN, "de"))
    public = build(run)
    page = public / token_for("northwind") / "index.html"
    text = words(page)
    assert html_tag(page) == '<html lang="de" dir="ltr">'
    for said in ["Gemeinsamer Projektplan", "Als Nächstes", "Der Plan", "Zeitplan",
                 "Di., 1. Dez.", "in 8 Tagen", "Mi., 31. März 2027", "in 4 Monaten",
                 "Stand: Mo., 23. Nov.", "0 von 2", "Schritte erledigt", "Meilenstein 1 von 1",
                 "Offen", "Im Plan", "Erledigt? Sagen Sie es uns", "Frage zu diesem Schritt",
                 "Von Contoso privat mit Northwind Financial geteilt."]:  # fmt: skip
        assert said in text, said
    for english in ["Next up", "The plan", "No date", "Tue 1 Dec", "in 8 days", "steps done"]:
        assert english not in text, english
    assert "## Notes" not in text and "Agreed on the kickoff call." in text  # the rep's own
    # mapsite.js says "3 Tage überfällig" on a later day, in the page's plural forms
    assert 'data-overdue-one="{n} Tag überfällig"' in page.read_text(encoding="utf-8")
    assert 'data-overdue-other="{n} Tage überfällig"' in page.read_text(encoding="utf-8")


def test_the_plans_language_wins_over_the_sites(site: Path, write_plan, run) -> None:
    (site / "mapsite.yml").write_text("language: de\n", encoding="utf-8")
    write_plan("northwind", PLAN)
    write_plan("english", with_language(PLAN, "en"))
    public = build(run)
    assert "Als Nächstes" in words(public / token_for("northwind") / "index.html")
    english = public / token_for("english") / "index.html"
    assert "Next up" in words(english) and "Tue 1 Dec" in words(english)
    assert html_tag(english) == '<html lang="en" dir="ltr">'
    assert "Hier ist nichts" in words(public / "404.html")  # the site's own pages: its language
    assert html_tag(public / "index.html") == '<html lang="de" dir="ltr">'


@pytest.mark.parametrize("code", ["en", *TRANSLATED])
def test_one_plan_in_every_translated_language(code: str, site: Path, write_plan, run) -> None:
    write_plan("northwind", with_language(PLAN, code))
    page = build(run) / token_for("northwind") / "index.html"
    text = words(page)
    said = catalog(code) if code != "en" else {}
    for english in ("Next up", "The plan", "Timeline", "Health", "Progress"):
        assert (said.get(english) or english) in text
    skeleton = "MMMEd" if code != "en" else None
    dec1 = date(2026, 12, 1)
    assert (format_skeleton(skeleton, dec1, locale=code) if skeleton else "Tue 1 Dec") in text
    spoken = i18n.language(code)  # Arabic runs right to left
    assert html_tag(page) == f'<html lang="{spoken.tag}" dir="{spoken.direction}">'


def test_arabic_runs_right_to_left_with_cldr_dates_and_english_where_untranslated(
    site: Path, write_plan, run
) -> None:
    write_plan("northwind", with_language(PLAN, "ar"))
    page = build(run) / token_for("northwind") / "index.html"
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    text = words(page)
    assert format_skeleton("MMMEd", date(2026, 12, 1), locale="ar") in text  # الثلاثاء، 1 ديسمبر
    assert (catalog("ar").get("Next up") or "Next up") in text


def test_the_password_and_gone_pages_in_german(site: Path, write_plan, run) -> None:
    secret = with_language(PLAN, "de").replace(
        "title:", f"share:\n  token: {token_for('secret')}\n  password_env: NW_PW\ntitle:", 1
    )
    expired = with_language(PLAN, "de").replace(
        "title:", f"share:\n  token: {token_for('old')}\n  expires: 2026-11-01\ntitle:", 1
    )
    write_plan("secret", secret)
    write_plan("old", expired)
    public = build(run, env={"NW_PW": "correct horse"})
    locked = public / token_for("secret") / "index.html"
    assert html_tag(locked) == '<html lang="de" dir="ltr">'
    assert "Dieser Plan ist geschützt" in words(locked) and "Plan öffnen" in words(locked)
    source = locked.read_text(encoding="utf-8")
    assert 'data-wrong="Das Passwort stimmt nicht. Prüfen Sie es und versuchen Sie es noch ' in (
        source
    )
    assert 'data-forget="Auf diesem Gerät vergessen"' in source
    gone = public / token_for("old") / "index.html"
    assert "Dieser Link ist abgelaufen" in words(gone)
    assert html_tag(gone) == '<html lang="de" dir="ltr">'
    assert "This link has expired" in words(public / "expired.html")  # the site's: English


def test_calendar_descriptions_and_mail_texts_in_german(site: Path, write_plan, run) -> None:
    write_plan("northwind", with_language(PLAN, "de"))
    folder = build(run) / token_for("northwind")
    calendar = icalendar.Calendar.from_ical((folder / "plan.ics").read_bytes())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    order = str(events["Send the order form"]["DESCRIPTION"]).splitlines()
    assert order[:4] == [
        "Verantwortlich: Sam Ortiz (Contoso)",
        "Meilenstein: Contract signed",
        "Status: Offen",
        "Fällig: Di., 1. Dez. 2026",
    ]
    milestone = str(events["Meilenstein: Contract signed"]["DESCRIPTION"]).splitlines()
    assert milestone[:2] == [
        "Meilenstein 1 von 1: Contract signed",
        "Status: Anstehend (0 von 2 Schritten erledigt)",
    ]
    assert "Die offenen Schritte und Meilensteine von" in str(calendar["X-WR-CALDESC"])
    page = (folder / "index.html").read_text(encoding="utf-8")
    mail = unquote(html.unescape(re.findall(r'href="(mailto:[^"]+)"', page)[0]))
    assert "subject=Erledigt: Sign the order form [Revenue forecasting rollout]" in mail
    assert "Hallo Sam,\n\nDieser Schritt unseres Plans ist erledigt:" in mail.replace("\r", "")
    assert "Verantwortlich: Priya Raman" in mail and "Plan northwind, Schritt 1.2" in mail


def test_the_reps_commands_stay_english_for_a_german_plan(site: Path, write_plan, run) -> None:
    late = with_language(PLAN, "de").replace("due: 2026-12-01", "due: 2026-11-20")
    write_plan("northwind", late)
    result = run("report", "--today", TODAY, "--format", "csv")
    assert "1 step overdue" in result.output and "überfällig" not in result.output
    assert "MAP024" not in run("check", "--today", TODAY).output  # German is complete


UNTRANSLATED = ("Next up", "Go-live", "Critical path")


@pytest.fixture
def half_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shipped catalogs, with the French translations of UNTRANSLATED taken out (the
    shipped French one is complete): the English strings a French plan then shows."""
    import shutil

    from babel.messages.pofile import write_po

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    path = locale / "fr" / "LC_MESSAGES" / "mapsite.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="fr")
    for msgid in UNTRANSLATED:
        assert catalog[msgid].string, msgid
        catalog[msgid].string = ""
    with path.open("wb") as f:
        write_po(f, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    caches = (i18n.catalog, i18n._language, i18n.untranslated)
    for cache in caches:
        cache.cache_clear()
    yield [m for m in i18n.messages() if m in UNTRANSLATED]
    for cache in caches:
        cache.cache_clear()


def test_check_warns_of_strings_a_plans_language_lacks(
    site: Path, write_plan, run, half_french: list[str]
) -> None:
    (site / "mapsite.yml").write_text("strings:\n  fr:\n    Next up: À suivre\n", encoding="utf-8")
    write_plan("northwind", with_language(PLAN, "fr"))
    result = run("check", "--today", TODAY)
    missing = [m for m in half_french if m != "Next up"]  # the site's own wording for it
    assert missing == i18n.language("fr", {"Next up": "À suivre"}).missing
    total = len(i18n.messages())
    shown = ", ".join(f"'{m}'" for m in missing)
    assert (
        f"plans/northwind.md:3:11: warning: language: {len(missing)} of {total} strings have no "
        f"'fr' translation and show in English: {shown} (translate them in "
        "mapsite/locale/fr/LC_MESSAGES/mapsite.po as docs/translating.md shows, or give them "
        "your own wording under 'strings:' in mapsite.yml) [MAP024 untranslated]\n"
    ) in result.output
    assert result.output.count("MAP024") == 1
    page = build(run) / token_for("northwind") / "index.html"
    said = words(page)
    assert "À suivre" in said and "Go-live" in said  # the rest in English meanwhile
    assert "Prochaines étapes" not in said


@pytest.mark.pdf
def test_the_pdf_of_one_plan_in_every_translated_language(site: Path, write_plan, run) -> None:
    """One build, one plan per language: each PDF's first page says "Next up" and the
    step's date (CLDR's, Tue 1 Dec) in its language, and its band "mutual action plan"."""
    import unicodedata

    from pypdf import PdfReader

    for code in TRANSLATED:
        plan = with_language(PLAN, code).replace("Revenue forecasting rollout", f"Plan {code}")
        write_plan(f"plan-{code}", plan)
    result = run("build", "--pdf", "--today", TODAY, env={"URL": ""})
    assert result.exit_code == 0, result.output
    public = Path("public")
    for code in TRANSLATED:
        (pdf,) = (public / token_for(f"plan-{code}")).glob("*.pdf")
        text = PdfReader(pdf).pages[0].extract_text()
        # a PDF holds Arabic letters in their shaped forms: NFKC gives the plain ones
        plain = unicodedata.normalize("NFKC", text)
        said, unspaced = set(plain.split()), "".join(plain.split())
        words = catalog(code)
        dec1 = format_skeleton("MMMEd", date(2026, 12, 1), locale=code)
        for phrase in (words["Next up"], words["mutual action plan"], dec1):
            # word by word (right to left, a line's words come back in either order);
            # Japanese has no spaces between words: the line without its spaces
            found = all(w in said for w in phrase.split()) or "".join(phrase.split()) in unspaced
            assert found, (code, phrase, plain)
        assert "Next" not in said, code


@pytest.mark.pdf
def test_the_pdf_of_a_german_plan(site: Path, write_plan, run) -> None:
    from pypdf import PdfReader

    write_plan("northwind", with_language(PLAN, "de"))
    result = run("build", "--pdf", "--today", TODAY, env={"URL": ""})
    assert result.exit_code == 0, result.output
    pdf = next((Path("public") / token_for("northwind")).glob("*.pdf"))
    reader = PdfReader(pdf)
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    for said in ["Als Nächstes", "Di., 1. Dez.", "in 8 Tagen", "Mi., 31. März 2027",
                 "Stand: Mo., 23. Nov. 2026", "gemeinsamer Projektplan",
                 f"Seite 1 von {len(reader.pages)}"]:  # fmt: skip
        assert said in first, said
    assert "Next up" not in first and "Page 1" not in first
