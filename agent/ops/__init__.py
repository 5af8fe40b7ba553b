"""Handoff operations: where a handoff goes (rules), when a queue is open (hours),
how long the shopper waits (waits, board), and the one email question (email_ask).

Pure functions and small models; nothing here opens a database, starts a thread
or reads the clock on its own (the board is given a store and a clock).
"""
