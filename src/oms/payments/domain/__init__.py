"""The payments domain: tenders, ledger transactions, summaries (no I/O)."""
