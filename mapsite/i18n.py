"""The buyer's language: the words mapsite writes around the rep's text, and dates,
durations and numbers the way that language writes them.

Words come from gettext catalogs (``locale/<lang>/LC_MESSAGES/mapsite.po``, extracted
with Babel: ``make messages``); a string a catalog lacks stays English. Dates, "in 3
weeks" and plural rules come from CLDR through Babel. English is the catalogs' source
and keeps mapsite's own date style (``Tue 15 Dec``) without loading Babel at all.

A page is written in one language: ``speaking(lang)`` sets it for the code that runs
inside (the view, the templates, calendars, mail texts), and ``gettext`` & co. read it.
Outside, everything is English: ``check``, ``report`` and ``digest`` are for the rep.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import gettext as _gettext
import io
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import bidi

if TYPE_CHECKING:  # Babel is loaded only for a language other than English
    from babel import Locale

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "mapsite"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE = "en"
"""The catalogs' source language: its words are the msgids themselves."""
SHIPPED = ("ar", "de", "en", "es", "fr", "ja", "pt_BR")
"""The languages mapsite has a catalog for (``en`` needs none)."""

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


# --- language codes ----------------------------------------------------------------


@functools.cache  # asked for every plan
def canonical(code: str) -> str | None:
    """The shipped language ``code`` names: ``de``, ``DE``, ``de-DE``, ``de_AT`` -> ``de``;
    ``pt-BR``, ``pt_br``, ``pt`` -> ``pt_BR``. None when mapsite has no catalog for it.

    A region is accepted and set aside when mapsite ships its language: a page for
    Vienna reads German, dates included, the way a page for Berlin does."""
    tag = code.strip().replace("-", "_")
    if not tag:
        return None
    by_fold = {c.casefold(): c for c in SHIPPED}
    if tag.casefold() in by_fold:
        return by_fold[tag.casefold()]
    base = tag.split("_", 1)[0].casefold()
    matches = [c for c in SHIPPED if c.split("_", 1)[0].casefold() == base]
    return matches[0] if len(matches) == 1 else None


LANGUAGE_NAMES = {
    "arabic": "ar",
    "german": "de",
    "deutsch": "de",
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "japanese": "ja",
    "portuguese": "pt_BR",
    "português": "pt_BR",
    "portugues": "pt_BR",
    "brazilian portuguese": "pt_BR",
}
"""A language written out by name, for the did-you-mean of an unknown code."""


def unknown_language(code: str) -> tuple[str, str]:
    """(message, hint) for a code mapsite has no catalog for."""
    word = str(code).strip().casefold()
    close = LANGUAGE_NAMES.get(word)
    if close is None:
        near = difflib.get_close_matches(word, [c.casefold() for c in SHIPPED], n=1, cutoff=0.5)
        near += difflib.get_close_matches(word, list(LANGUAGE_NAMES), n=1, cutoff=0.75)
        close = canonical(near[0]) or LANGUAGE_NAMES.get(near[0]) if near else None
    supported = f"supported: {', '.join(SHIPPED)}"
    hint = f"did you mean '{close}'? {supported}" if close else supported
    return f"unknown language '{code}'", hint


# --- one language ------------------------------------------------------------------


class Language:
    """The words and formats of one language on one site (the site's and its theme's
    ``strings:`` over the catalog). Made once per process (``language``)."""

    def __init__(
        self,
        code: str,
        translations: _gettext.NullTranslations,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code
        self.translations = translations
        self.overrides = dict(overrides or {})
        self._dates: dict[tuple[date, bool], str] = {}
        self._months: dict[int, str] = {}
        # a page says a few hundred strings: one dict lookup each (English: the
        # strings themselves, no catalog to read)
        words = {}
        if isinstance(translations, _gettext.GNUTranslations):
            words = {m: translations.gettext(m) for m in messages()}
        self._words = words | self.overrides

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    @functools.cached_property
    def locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.code)

    @property
    def tag(self) -> str:
        """The code as HTML writes it (``lang="pt-BR"``)."""
        return self.code.replace("_", "-")

    @functools.cached_property
    def direction(self) -> str:
        """``rtl`` for a language written right to left (Arabic, Hebrew), else ``ltr``."""
        if self.code == SOURCE:  # without loading Babel
            return "ltr"
        return bidi.direction(self.code)

    @functools.cached_property
    def first_week_day(self) -> int:
        """The day a week starts on where the language is spoken: 0 Monday ... 6 Sunday."""
        if self.code == SOURCE:
            return 0
        return int(self.locale.first_week_day)

    @functools.cached_property
    def plural_samples(self) -> dict[str, int]:
        """A number of each of the language's CLDR plural categories (English: ``one``
        1, ``other`` 2; Arabic has six), for the page's script to say "3 days overdue"."""
        if self.code == SOURCE:
            return {"one": 1, "other": 2}
        samples: dict[str, int] = {}
        for n in range(200):
            samples.setdefault(self.locale.plural_form(n), n)
        return samples

    # --- words ---

    def gettext(self, message: str) -> str:
        return self._words.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        found = self.overrides.get(message)
        return found if found is not None else self.translations.pgettext(context, message)

    @property
    def missing(self) -> list[str]:
        """The strings this language says in English: its catalog has no translation
        and the site gives none of its own."""
        return [m for m in untranslated(self.code) if m not in self.overrides]

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.translations.npgettext(context, singular, plural, n)

    # --- dates and numbers ---

    def format_date(self, value: date | None, today: date) -> str:
        """``Tue 15 Dec`` / ``Di., 15. Dez.``, with the year when it is not this year's."""
        if value is None:
            return self.gettext("No date")
        return self.full_date(value, value.year != today.year)

    def full_date(self, value: date, year: bool = True) -> str:
        """``Tue 15 Dec 2026`` / ``Di., 15. Dez. 2026`` (``year``: with the year)."""
        key = (value, year)
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = self._format_date(value, not year)
        return text

    def _format_date(self, value: date, this_year: bool) -> str:
        if self.code == SOURCE:
            text = f"{value:%a} {value.day} {value:%b}"
            return text if this_year else f"{text} {value.year}"
        from babel.dates import format_skeleton

        return format_skeleton("MMMEd" if this_year else "yMMMEd", value, locale=self.locale)

    def month(self, value: date) -> str:
        """A month's short name: ``Dec``, ``Dez``, ``12月``."""
        name = self._months.get(value.month)  # every timeline names a few
        if name is None:
            name = self._months[value.month] = self._month(value)
        return name

    def _month(self, value: date) -> str:
        if self.code == SOURCE:
            return f"{value:%b}"
        from babel.dates import format_skeleton

        return format_skeleton("MMM", value, locale=self.locale)

    def relative(self, value: date | None, today: date) -> str:
        """``today``, ``tomorrow``, ``in 3 weeks``, ``2 days ago`` / ``vor 2 Tagen``."""
        if value is None:
            return ""
        days = (value - today).days
        if self.code == SOURCE:
            if days == 0:
                return "today"
            if days == 1:
                return "tomorrow"
            if days == -1:
                return "yesterday"
            return f"in {self.duration(days)}" if days > 0 else f"{self.duration(days)} ago"
        if -1 <= days <= 1:  # CLDR's own words for these
            return str(self.locale._data["date_fields"]["day"]["relative"][days])
        amount, unit = span(days)
        fields = self.locale._data["date_fields"][unit]["future" if days > 0 else "past"]
        return self._plural(fields, amount)

    def duration(self, days: int) -> str:
        """``1 day``, ``9 days``, ``3 weeks``, ``4 months``, ``2 years`` (the sign dropped)."""
        amount, unit = span(days)
        if self.code == SOURCE:
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
        return self._plural(self.locale._data["unit_patterns"][f"duration-{unit}"]["long"], amount)

    def _plural(self, patterns: Mapping[str, str], amount: int) -> str:
        pattern = patterns.get(self.locale.plural_form(amount)) or patterns["other"]
        return pattern.replace("{0}", self.number(amount))

    def number(self, value: int) -> str:
        """``1,234`` / ``1.234``."""
        if self.code == SOURCE:
            return f"{value:,}"
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def percent(self, value: int) -> str:
        """``40%`` / ``40 %`` (a whole percent)."""
        if self.code == SOURCE:
            return f"{value}%"
        from babel.numbers import format_percent

        return format_percent(value / 100, locale=self.locale)


def span(days: int) -> tuple[int, str]:
    """How a duration is said, in whole units: under 2 weeks in days, under 2 months in
    weeks, under 2 years in months, then years."""
    n = abs(days)
    if n < 14:
        return n, "day"
    if n < 60:
        return round(n / 7), "week"
    if n < 365 * 2:
        return round(n / 30.44), "month"
    return round(n / 365.25), "year"


@functools.cache
def catalog(code: str) -> _gettext.NullTranslations:
    """The shipped catalog of ``code`` as gettext translations: compiled from its .po
    here, once per process (a few milliseconds), so only the .po is shipped. Strings
    without a translation are left out, and gettext answers them in English."""
    path = catalog_path(code)
    if code == SOURCE or not path.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        messages = read_po(f, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


@functools.cache
def _language(code: str, overrides: tuple[tuple[str, str], ...]) -> Language:
    return Language(code, catalog(code), dict(overrides))


def language(code: str, overrides: Mapping[str, str] | None = None) -> Language:
    """The shipped language ``code`` (any alias ``canonical`` takes), with a site's own
    wording for some of its strings; one object per process, so its dates are formatted
    once. Raises ``LookupError`` for a language mapsite has no catalog for."""
    found = canonical(code)
    if found is None:
        raise LookupError(unknown_language(code)[0])
    return _language(found, tuple(sorted((overrides or {}).items())))


ENGLISH = Language(SOURCE, _gettext.NullTranslations())
_current: contextvars.ContextVar[Language] = contextvars.ContextVar("language", default=ENGLISH)


@contextlib.contextmanager
def speaking(lang: Language) -> Iterator[Language]:
    """Everything inside writes in ``lang`` (each thread and process has its own)."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


current: Callable[[], Language] = _current.get
"""The language the page being written is in (English outside ``speaking``)."""


# what mapsite's code (and templates) call: the language of the page being written


def gettext(message: str) -> str:
    return _current.get()._words.get(message, message)  # Language.gettext, a call less


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.get().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _current.get().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _current.get().npgettext(context, singular, plural, n)


def format_date(value: date | None, today: date) -> str:
    """``Tue 15 Dec`` in the page's language (``Language.format_date``)."""
    return _current.get().format_date(value, today)


def relative(value: date | None, today: date) -> str:
    """``in 3 weeks`` in the page's language (``Language.relative``)."""
    return _current.get().relative(value, today)


def duration(days: int) -> str:
    """``3 weeks`` in the page's language (``Language.duration``)."""
    return _current.get().duration(days)


def placeholders(text: str) -> set[str]:
    """The ``%(name)s`` fields of a string: a translation keeps every one."""
    return set(PLACEHOLDER.findall(text))


def _read(path: Path, code: str | None = None) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f, locale=code)


@functools.cache
def messages() -> dict[str, bool]:
    """Every string mapsite writes (the msgids of ``mapsite.pot``, a plural message by
    its singular), and whether it has plural forms."""
    return {_singular(m.id): m.pluralizable for m in _read(TEMPLATE) if m.id}


@functools.cache
def untranslated(code: str) -> tuple[str, ...]:
    """The strings the shipped catalog of ``code`` has no translation for (in the
    template's order); none for English, the source."""
    if code == SOURCE:
        return ()
    done = set()
    if catalog_path(code).is_file():
        done = {
            _singular(m.id)
            for m in _read(catalog_path(code), code)
            if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,))
        }
    return tuple(m for m in messages() if m not in done)


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def N_(message: str) -> str:
    """Marks a string for the catalogs where it is defined; ``gettext`` translates it
    where it is shown (a module-level table is made once, in no language)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and its plural for the catalogs where they are defined, as one
    entry; ``ngettext(*words, n)`` says them where they are shown."""
    return singular, plural
