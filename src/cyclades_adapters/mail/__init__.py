"""Mailers: SMTP (smtplib), in-memory (tests), a folder of .eml files (the demo)."""

from cyclades_adapters.mail.mailers import EmlFolderMailer, MemoryMailer, SmtpMailer, compose

__all__ = ["EmlFolderMailer", "MemoryMailer", "SmtpMailer", "compose"]
