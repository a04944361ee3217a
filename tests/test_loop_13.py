"""Notebook 13 writes out its teacher-forced training loop; it must train exactly like encoder_decoder.train_seq2seq,
the cosine decay (written directly in the notebook, a LambdaLR in the package) and on_step included."""
import copy

import pytest
import torch
from notebook_code import notebook_function

from course_utils import encoder_decoder
from course_utils.data import generated_tasks

train_seq2seq = notebook_function("13_encoder_decoder.ipynb", "train_seq2seq")


def _steps_seen(model, pairs, seen):
    def on_step(step, history):
        seen.append((step, len(history["nats"])))
        encoder_decoder.greedy_decode(model, [s for s, _ in pairs[:3]], max_len=6)   # switches to eval mode
    return on_step


@pytest.mark.parametrize("decay", [False, True])
def test_notebook_loop_equals_package_loop(decay):
    pairs = generated_tasks.reversal_pairs(60, 1, 5, n_symbols=6, seed=0)
    torch.manual_seed(0)
    model = encoder_decoder.Seq2Seq(generated_tasks.N_SPECIALS + 6, 8, 12)
    twin = copy.deepcopy(model)
    settings = dict(epochs=2, batch_size=16, lr=1e-2, clip=0.5, seed=3, decay=decay)
    seen_mine, seen_reference = [], []
    mine = train_seq2seq(model, pairs, on_step=_steps_seen(model, pairs, seen_mine), **settings)
    reference = encoder_decoder.train_seq2seq(twin, pairs, progress=False, on_step=_steps_seen(twin, pairs, seen_reference),
                                      **settings)
    assert len(mine["nats"]) == 2 * 4
    assert mine == reference
    assert seen_mine == seen_reference == [(k, k) for k in range(1, 9)]
    assert not model.training and not twin.training
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        assert torch.equal(p, q), name
