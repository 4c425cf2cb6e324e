"""Case-note drafting: models of the note and the incremental drafter (pure core)."""
