"""Helpers for the notebooks of the course on word representations and RNNs.

The folders are the layers (CONTRIBUTING.md says more):

- the modules at the top are the reference code a learner reads, one idea each
  (``embeddings``, ``word2vec``, ``rnn``, ``cells``, ``sampling``, ...), and ``config``
  (fast/full mode, seeds, threads, device);
- ``data/``: text and vocabularies, offline corpora, generated tasks, cached vectors;
- ``checks/``: exercise feedback, checked claims, argument checks;
- ``ui/``: one plotting style and the interactive widgets (for notebooks; the reference modules and ``data/`` never import it).
"""

__version__ = "0.1.0"
