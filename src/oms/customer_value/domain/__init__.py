"""Customer value's pure parts: purchases and their RFM-T summary, the models, the holdout."""
