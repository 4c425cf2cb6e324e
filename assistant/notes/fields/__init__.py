"""The drafter's per-field extractors (pure).

Each module finds, in one sentence's working text (``notes.text.Sentence``),
the values of one or a few fields of the note and where they were said:

- ``bodies``: the bodies named, the motif, a referral, signs of a complex case;
- ``documents``: the papers the person is asked to bring;
- ``amounts``: sums in euros;
- ``dates``: dates, with the year a deadline must have;
- ``follow_ups``: what someone will do next, and by when;
- ``summary``: the sentences worth quoting in the summary.

Identifiers are found by ``notes.identifiers``. The drafter
(``notes.drafter``) keeps the bookkeeping: evidence in the agent's own words,
running tallies, self-corrections, confidence, the draft itself.
"""
