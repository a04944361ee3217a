"""Helpers for the notebooks of the course on word representations and RNNs.

One module per idea (see CONVENTIONS.md): ``config`` (fast/full mode, seeds,
device), ``text`` (tokenizer, Vocab), ``corpora`` (offline text),
``embeddings`` (one-hot vs dense tables), ``plots`` (one style), ``checks``
(exercise feedback) and ``widgets`` (imported by notebooks only).
"""

__version__ = "0.1.0"
