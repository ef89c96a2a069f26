"""The seed's demo shop, served at ``/demo``: merchant code, written the way a merchant would
write it against Tender's public API (Step 1 on the server, Steps 2 and 3 in the browser)."""
