"""The mails as customers read them: the Jinja2 templates (built-in, overridden by a merchant's
folder), translated with the gettext catalogues and formatted by Babel in the mail's locale,
and the content a template sees."""

from oms.notifications.views.content import MailContent
from oms.notifications.views.templates import MailNotWritable, MailTemplates, TemplateBroken

__all__ = ["MailContent", "MailNotWritable", "MailTemplates", "TemplateBroken"]
