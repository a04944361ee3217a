"""Notebook 12 writes out the CRF's forward algorithm and Viterbi for one sentence; they must equal crf.py's batched copies."""
import pytest
import torch
from notebook_code import notebook_function

from course_utils import crf, padding

log_partition = notebook_function("12_sequence_tagging.ipynb", "log_partition")
viterbi = notebook_function("12_sequence_tagging.ipynb", "viterbi")


def _sentences(lengths, K=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    A, start, end = (torch.randn(*shape, generator=g, dtype=torch.float64) * 2 for shape in [(K, K), (K,), (K,)])
    return [torch.randn(T, K, generator=g, dtype=torch.float64) * 2 for T in lengths], A, start, end


@pytest.mark.parametrize("seed", range(3))
def test_notebook_crf_recursions_equal_the_package_on_a_padded_batch(seed):
    lengths = [7, 1, 4, 12, 2]
    sentences, A, start, end = _sentences(lengths, seed=seed)
    E = torch.zeros(len(lengths), max(lengths), 5, dtype=torch.float64)
    for b, e in enumerate(sentences):
        E[b, : len(e)] = e
    mask = padding.length_mask(lengths, max(lengths))
    log_Z = crf.log_partition(E, A, start, end, mask)
    paths, scores = crf.viterbi(E, A, start, end, mask)
    for b, e in enumerate(sentences):
        assert log_partition(e, A, start, end).item() == pytest.approx(log_Z[b].item(), abs=1e-9)
        path, score = viterbi(e, A, start, end)
        assert path == paths[b].tolist()
        assert score == pytest.approx(scores[b].item(), abs=1e-9)
