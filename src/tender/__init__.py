"""Tender: a self-hosted payment-intents gateway that speaks Dojo's API."""

__version__ = "0.1.0"
