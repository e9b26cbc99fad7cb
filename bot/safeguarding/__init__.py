"""Safeguarding: hearing when a young person's words may disclose harm, and making sure a person reads them.

Start with `triage.py`: every typed word goes through it and comes out in one of three tiers (urgent alert,
review queue, none). The pieces it uses and the places the tiers lead to are one module each; see
ARCHITECTURE.md for the list.
"""
