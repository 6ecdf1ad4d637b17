"""``oms notifications ...`` and ``oms webhooks ...``: the commands of this context."""

from oms.notifications.cli import mail, preview, webhooks

notifications_app = mail.app
notifications_app.command("preview")(preview.preview)
webhooks_app = webhooks.app

__all__ = ["notifications_app", "webhooks_app"]
