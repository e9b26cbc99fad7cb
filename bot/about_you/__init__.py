""" "About you": a few optional questions asked once per young person, and the protected tables
that use them. Start with `questions.py` (the standard set), then `profiles.py` (keeping what they
said), `asking.py` (asking it), `breakdowns.py` (the protection) and `tables.py` (the results)."""
