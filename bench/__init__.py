"""The benchmark ``make bench`` runs (bench/README.md): the full payment flow against Tender and
localstripe, measured by a closed-loop load generator; its own logic is tested in tests/bench."""
