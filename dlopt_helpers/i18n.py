"""The course's two languages: English (the source) and Chinese (``notebooks/zh/``).

Every notebook of the Chinese edition starts with ``dh.set_language("zh")``: from then on the helpers speak
Chinese (exercise questions, hints and ✅ / ❌ / ⏳ lines, dashboard labels and status lines, divergence and
error messages, figure labels drawn by the helpers) and matplotlib draws with a CJK font that installs with the
course (Noto Sans CJK SC, from the ``mplfonts`` package), so no glyph turns into a box.

Translations live in a standard gettext catalog, ``dlopt_helpers/locale/zh/LC_MESSAGES/dlopt_helpers.po``,
read with Babel. A message that has no current translation (missing, empty or marked fuzzy because its English
changed) falls back to English; ``tests/test_translations.py`` fails CI on any such entry.

In the code, ``_("...")`` translates now; ``N_("...")`` only marks a text for the catalog (a constant defined at
import time) and ``_(text)`` translates it where it is shown; ``pgettext(context, text)`` picks among entries
that share their English (exercise questions and hints carry their exercise id as context).
"""

from __future__ import annotations

import functools
from pathlib import Path

# the validation helpers import this module (their messages are translated): import them where used

__all__ = [
    "LANGUAGES",
    "set_language",
    "get_language",
    "gettext",
    "pgettext",
    "N_",
    "cjk_font_path",
    "use_cjk_font",
    "translate_figure",
]

LANGUAGES = ("en", "zh")
DOMAIN = "dlopt_helpers"
LOCALE_DIR = Path(__file__).with_name("locale")
_language = "en"  # dh.set_language changes it

CJK_FONT_FAMILY = "Noto Sans CJK SC"


def catalog_path(language: str = "zh") -> Path:
    """Where the helper package's catalog for ``language`` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _translations(language: str) -> dict[tuple[str | None, str], str]:
    """(context, English) -> translation, for the current, non-empty, non-fuzzy entries of the catalog."""
    path = catalog_path(language)
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as stream:
        catalog = read_po(stream)
    return {
        (message.context, message.id): message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def set_language(language: str) -> None:
    """Speak ``language`` (``"en"`` or ``"zh"``) from now on: helper messages, hints, labels and figure fonts.

    Introduced in the first cell of every notebook of the Chinese edition (``notebooks/zh/``).
    """
    from ._validation import check_choice

    global _language
    _language = check_choice("language", language, LANGUAGES)
    if _language == "zh":
        use_cjk_font()
        _install_figure_hook()


def get_language() -> str:
    """The language the helpers speak now: ``"en"`` (the default) or ``"zh"``."""
    return _language


def _text(name: str, value) -> str:
    if not isinstance(value, str):
        from ._validation import InvalidParameterError, short_repr

        raise InvalidParameterError(f"{name} must be a string, got {short_repr(value)}")
    return value


def gettext(message: str) -> str:
    """``message`` in the current language (English when there is no current translation)."""
    _text("message", message)
    if _language == "en":
        return message
    return _translations(_language).get((None, message), message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, looked up under ``context``."""
    _text("context", context), _text("message", message)
    if _language == "en":
        return message
    return _translations(_language).get((context, message), message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (constants defined at import time)."""
    return _text("message", message)


_ = gettext


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK SC font installed with the course (by the ``mplfonts`` package), or ``None``."""
    try:
        import mplfonts
    except ImportError:
        return None
    path = Path(mplfonts.__file__).with_name("fonts") / "NotoSansCJKsc-Regular.otf"
    return path if path.exists() else None


def use_cjk_font() -> str | None:
    """Let matplotlib draw Chinese: register the course's CJK font and put it first in the sans-serif list.

    Noto Sans CJK SC has Latin letters and digits too, so a label that mixes both reads as one font; mathtext
    (``$...$``) keeps its own fonts. Returns the family name, or ``None`` when the font is not installed.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        return None
    if CJK_FONT_FAMILY not in {font.name for font in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    families = [CJK_FONT_FAMILY] + [f for f in mpl.rcParams["font.sans-serif"] if f != CJK_FONT_FAMILY]
    mpl.rcParams["font.sans-serif"] = families
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False  # the CJK font has no U+2212 at the right width
    return CJK_FONT_FAMILY


def translate_figure(fig) -> None:
    """Translate, in place, every text of ``fig`` that has a translation: titles, axis labels, legends, notes.

    The catalog holds the figure texts of the package and of the notebooks' own code (``tools/translate.py``
    extracts every literal label, title, legend entry and ``text``), so the Chinese edition's figures are in
    Chinese while its code stays the English code. Numbers and texts without an entry are left as they are.
    """
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Text

    if not isinstance(fig, (Figure, SubFigure)):
        from ._validation import InvalidParameterError, short_repr

        raise InvalidParameterError(f"fig must be a matplotlib Figure, got {short_repr(fig)}")
    if _language == "en":
        return

    table = _translations(_language)
    for text in fig.findobj(Text):
        original = text.get_text()
        if original:
            translated = table.get((None, original))
            if translated is not None and translated != original:
                text.set_text(translated)


_figure_hook_installed = False


def _install_figure_hook() -> None:
    """Translate a figure's texts just before it is drawn (inline plots, dashboards, ``savefig`` alike)."""
    global _figure_hook_installed
    if _figure_hook_installed:
        return
    from matplotlib.figure import Figure

    draw = Figure.draw

    @functools.wraps(draw)
    def translated_draw(self, renderer):
        translate_figure(self)
        return draw(self, renderer)

    Figure.draw = translated_draw
    _figure_hook_installed = True
