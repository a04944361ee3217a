"""What the learner sees: one plotting style (``plots``) and the interactive experiments (``widgets``)."""
