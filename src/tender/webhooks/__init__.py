"""Webhook delivery mechanics with no database: backoff, target safety, the HTTP send.

The use cases that claim and record deliveries live in ``tender.service.dispatcher``.
"""
