"""Pure domain code: money, statuses and the transition table, the rules of each operation.

No I/O here: everything takes its inputs (including ``now``) as arguments.
"""
