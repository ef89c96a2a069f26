"""Load generators for a running Tender (``make bench``); never part of the test suite."""
