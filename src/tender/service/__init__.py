"""Use cases. Each opens its own transactions through ``Database.transaction`` and commits them:
one for a use case that needs no processor, and for those that do, one before the processor is
called and one after (``service.phases``). Routes never open transactions; repositories never
commit.
"""
