"""A recurrent regressor for the adding problem and its training loop (notebooks 08 and 09)."""
import torch

from course_utils.checks.arguments import choice, positive_int
from course_utils.training import check_training_arguments, update
from course_utils.data.generated_tasks import adding_problem


class AddingModel(torch.nn.Module):
    """One recurrent layer (torch's ``nn.RNN``/``nn.LSTM``/``nn.GRU``) reading ``(batch, time, 2)``; a linear read-out of ``h_T``."""

    def __init__(self, kind: str, hidden_size: int = 32, forget_bias: float = 1.0):
        super().__init__()
        layers = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
        choice("kind", kind, tuple(layers))
        self.kind = kind
        self.rnn = layers[kind](2, positive_int("hidden_size", hidden_size), batch_first=True)
        if kind == "lstm" and forget_bias:
            from course_utils.cells import set_forget_bias
            set_forget_bias(self.rnn, forget_bias)
        self.fc = torch.nn.Linear(hidden_size, 1)

    def forward(self, x):
        outputs, _state = self.rnn(x)
        return self.fc(outputs[:, -1]).squeeze(1)


def train_adding(model: AddingModel, length: int, steps: int = 600, batch_size: int = 64, lr: float = 1e-2,
                 clip: float | None = 1.0, seed: int = 0, eval_every: int = 50, progress: bool = True,
                 on_step=None) -> dict:
    """Train ``model`` on fresh adding-problem batches of ``length`` steps, one batch per update.

    The reference copy of the loop notebook 09 writes out. ``seed`` draws the
    training batches and the 1 000 held-out sequences. Adam; ``clip`` (``None``:
    off) caps the gradient norm; ``on_step(step, history)`` is called after
    every update. Returns ``{"mse": [training MSE of every update],
    "heldout_steps": [...], "heldout_mse": [...]}``, the held-out MSE measured
    every ``eval_every`` updates and after the last; the model is left in eval mode.
    """
    from tqdm.auto import tqdm

    steps = positive_int("steps", steps)
    eval_every = positive_int("eval_every", eval_every)
    check_training_arguments(model, lr, clip)
    device = next(model.parameters()).device
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x_test, y_test = (t.to(device) for t in adding_problem(1000, length, seed=10_000 + seed))
    history = {"mse": [], "heldout_steps": [], "heldout_mse": []}
    model.train()
    for step in tqdm(range(1, steps + 1), desc=f"{model.kind.upper()} T={length}", disable=not progress):
        x, y = (t.to(device) for t in adding_problem(batch_size, length, seed=seed * 1_000_003 + step))
        loss = torch.nn.functional.mse_loss(model(x), y)
        update(model, opt, loss, clip)
        history["mse"].append(loss.item())
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                history["heldout_steps"].append(step)
                history["heldout_mse"].append(torch.nn.functional.mse_loss(model(x_test), y_test).item())
        if on_step is not None:
            on_step(step, history)
            model.train()
    model.eval()
    return history
