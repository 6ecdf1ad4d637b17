"""A mail transport that writes each mail as an ``.eml`` file into a folder (the demo's and
every deployment's without an SMTP server): nothing is lost, every mail opens in a mail client.

A file is named after the mail's Message-ID, so a mail sent again (at least once) replaces its
own file; it is written to a temporary name in the same folder and renamed, so a reader never
sees half a mail and a crash leaves no partial file under the real name.
"""

from __future__ import annotations

import os
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path

from oms.notifications.domain.messages import DeliveryDeferred

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]")


def file_name(message_id: str) -> str:
    """``<0190...@northwind.example>`` -> ``0190...@northwind.example.eml``."""
    return _UNSAFE.sub("_", message_id.strip().strip("<>")) + ".eml"


class MailFolder:
    """``MailTransport`` into ``directory`` (made when missing)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def send(self, mail: EmailMessage) -> None:
        """Write ``mail`` atomically; a disk that refuses is a temporary failure."""
        target = self.directory / file_name(str(mail["Message-ID"]))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(mail.as_bytes())
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise DeliveryDeferred(f"cannot write {target}: {error.strerror or error}") from None

    def close(self) -> None:
        """Nothing held between mails."""
