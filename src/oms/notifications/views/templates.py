"""The mail templates: a Jinja2 environment per locale, the merchant's folder before the
built-in templates, the subject, the HTML with its CSS inlined and the plain text.

Every kind has ``mail/<kind>.html`` and ``mail/<kind>.txt``, extending ``mail/base.html`` and
``mail/base.txt``. The subject is the ``subject`` block of the text template (plain text, as a
header is). A merchant's folder (``OMS_TEMPLATES_DIRECTORY``) overrides any of these files by
the same relative path, one by one; what it does not have comes from oms.

The texts are translated with gettext (``{% trans %}``, ``_()``) from the catalogues of
``catalogues``; one environment per locale carries that locale's translations and formatting
filters, made on first use and kept (a handful of locales). Mail clients ignore most of a
``<style>`` element, so the CSS is inlined into ``style`` attributes with css-inline; media
queries stay in the ``<style>`` element for the clients that do read them. Nothing is fetched
from the network while rendering.
"""

from __future__ import annotations

import re
import threading
from dataclasses import fields
from pathlib import Path
from typing import Any

import css_inline
from babel import Locale
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.views.catalogues import mail_language, mail_locale, translations
from oms.notifications.views.content import MailContent
from oms.notifications.views.formatting import filters
from oms.shared.errors import Invalid

BUILT_IN_DIRECTORY = Path(__file__).resolve().parent.parent / "templates"
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
_SPACES = re.compile(r"[ \t\r\n]+")
"""Runs of spaces and line breaks; a no-break space (in amounts: ``20,00 €``) stays."""
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


class MailNotWritable(Exception):
    """The mail cannot be written, now or later: trying again changes nothing (unlike
    ``NotReady``). ``reason`` says why, for the message's record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemplateBroken(MailNotWritable):
    """A mail template cannot be rendered (a merchant's override with a syntax error, a text
    template without its ``subject`` block): names the file and why."""

    def __init__(self, template: str, reason: str) -> None:
        super().__init__(f"mail template {template}: {reason}")
        self.template = template


def template_names(kind: NotificationKind) -> tuple[str, str]:
    """The HTML and text templates of ``kind``."""
    return f"mail/{kind.value}.html", f"mail/{kind.value}.txt"


class MailTemplates:
    """The built-in templates, overridden file by file by a merchant's folder."""

    def __init__(self, loader: BaseLoader, *, override: Path | None = None) -> None:
        self._loader = loader
        self.override = override
        self._environments: dict[str, Environment] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, directory: str | None) -> MailTemplates:
        """The templates with ``directory`` (the merchant's folder, may be None) first."""
        built_in = FileSystemLoader(BUILT_IN_DIRECTORY)
        if directory is None:
            return cls(built_in)
        folder = Path(directory).expanduser()
        if not folder.is_dir():
            raise Invalid(
                f"the mail templates folder {directory!r} is not a folder",
                field="templates_directory",
            )
        return cls(ChoiceLoader([FileSystemLoader(folder), built_in]), override=folder)

    def environment(self, locale: Locale) -> Environment:
        """The environment of one locale: its translations and formatting filters."""
        tag = str(locale)
        with self._lock:
            found = self._environments.get(tag)
            if found is None:
                found = self._environments[tag] = self._make(locale)
            return found

    def _make(self, locale: Locale) -> Environment:
        env = Environment(
            loader=self._loader,
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.policies["ext.i18n.trimmed"] = True
        env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the extension
            translations(mail_language(locale)), newstyle=True
        )
        env.filters.update(filters(locale))
        env.globals["language"] = mail_language(locale)
        return env

    def render(self, content: MailContent) -> tuple[str, str, str]:
        """(subject, HTML with CSS inlined, plain text) of one mail; ``TemplateBroken`` when
        a template cannot be rendered."""
        env = self.environment(mail_locale(content.locale))
        html_name, text_name = template_names(content.kind)
        values = _values(content)
        name = text_name
        try:
            text_template = env.get_template(text_name)
            subject_block = text_template.blocks.get("subject")
            if subject_block is None:
                raise TemplateBroken(text_name, "it has no {% block subject %}")
            subject = _one_line("".join(subject_block(text_template.new_context(values))))
            values["subject"] = subject
            text = _BLANK_LINES.sub("\n\n", text_template.render(values)).strip() + "\n"
            name = html_name
            html = _INLINER.inline(env.get_template(html_name).render(values))
        except TemplateError as error:
            raise TemplateBroken(getattr(error, "name", None) or name, str(error)) from error
        return subject, html, text

    def overridden(self) -> list[str]:
        """The template files the merchant's folder overrides (relative paths, sorted)."""
        if self.override is None:
            return []
        return sorted(
            str(path.relative_to(self.override))
            for path in self.override.rglob("*")
            if path.is_file() and (BUILT_IN_DIRECTORY / path.relative_to(self.override)).exists()
        )


def _values(content: MailContent) -> dict[str, Any]:
    """The content's parts as template variables (``return_`` is ``return_request``: ``return``
    is a keyword in templates too)."""
    values: dict[str, Any] = {f.name: getattr(content, f.name) for f in fields(content)}
    values["return_request"] = values.pop("return_")
    values["kind"] = content.kind.value
    return values


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
