"""Card processing behind one interface: card checks, the sandbox acquirer and 3-D Secure.

Pure code: it never imports storage, service or api, and never sees a database. The full card
number and CVV live only in the ``Card`` value a request builds; nothing here logs them.
"""
