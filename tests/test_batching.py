"""Truncated-BPTT windows over one long id sequence (notebooks 05, 06, 10)."""
import numpy as np
import pytest
import torch

from course_utils import batching


@pytest.mark.parametrize("n, batch, window", [(103, 4, 5), (50, 1, 7), (64, 8, 1), (1000, 3, 64)])
def test_windows_tile_each_stream_and_targets_are_shifted(n, batch, window):
    ids = np.arange(n) * 7 % 101
    streams = batching.batchify(ids, batch)
    pairs = list(batching.bptt_windows(ids, batch, window))
    assert len(pairs) == batching.num_windows(n, batch, window)
    xs = torch.cat([x for x, _ in pairs], dim=1).numpy()
    ys = torch.cat([y for _, y in pairs], dim=1).numpy()
    assert np.array_equal(xs, streams[:, :-1]) and np.array_equal(ys, streams[:, 1:])
    assert all(x.shape == y.shape and x.shape[1] <= window for x, y in pairs)
    assert all(x.dtype == torch.int64 for x, _ in pairs)


def test_rows_are_contiguous_pieces_of_the_text():
    streams = batching.batchify(np.arange(10), 3)
    assert streams.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_accepts_tensors_and_lists():
    a = [x.tolist() for x, _ in batching.bptt_windows(torch.arange(20), 2, 3)]
    b = [x.tolist() for x, _ in batching.bptt_windows(list(range(20)), 2, 3)]
    assert a == b


def test_detach_state_cuts_the_graph_but_keeps_values():
    w = torch.ones(3, requires_grad=True)
    h = w * 2
    d = batching.detach_state(h)
    assert not d.requires_grad and torch.equal(d, h)
    h_c = batching.detach_state((w * 3, w * 4))
    assert isinstance(h_c, tuple) and not any(t.requires_grad for t in h_c)
    assert batching.detach_state(None) is None


def test_stateful_training_with_detach_runs_backward_every_window():
    rnn = torch.nn.RNN(1, 4, batch_first=True)
    h = None
    for x, _y in batching.bptt_windows(np.arange(60) % 5, 3, 4):
        h = batching.detach_state(h)
        out, h = rnn(x.unsqueeze(-1).float(), h)
        out.sum().backward()  # fails with "backward through the graph a second time" without detach


@pytest.mark.parametrize("call, err, match", [
    (lambda: batching.batchify(np.arange(5), 0), ValueError, "batch_size must be an int >= 1"),
    (lambda: batching.batchify(np.arange(5), 4), ValueError, "too short"),
    (lambda: batching.batchify(np.zeros((2, 3), dtype=int), 1), ValueError, "1-D"),
    (lambda: batching.batchify(np.array([0.5, 1.0]), 1), TypeError, "integers"),
    (lambda: list(batching.bptt_windows(np.arange(9), 2, 0)), ValueError, "window must be an int >= 1"),
    (lambda: batching.detach_state("h"), TypeError, "state must be"),
])
def test_bad_input_is_named(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_heldout_nats_of_a_uniform_model_is_log_vocab():
    import math

    from course_utils.batching import heldout_nats

    class Uniform(torch.nn.Module):
        def __init__(self, vocab):
            super().__init__()
            self.vocab, self.dummy = vocab, torch.nn.Parameter(torch.zeros(1))

        def forward(self, x, state):
            return torch.zeros(*x.shape, self.vocab), state

    model = Uniform(7)
    model.train()
    total, count = heldout_nats(model, np.arange(104) % 7, batch_size=4, window=5)  # 4 streams of 26 ids
    assert count == 100 and math.isclose(total / count, math.log(7), rel_tol=1e-6)
    assert model.training  # the mode it came in with
