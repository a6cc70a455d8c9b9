"""Advanced: the perceptron, trained to separate stars (x + y < 1) from discs (x + y > 1).

The course's text leaves the threshold function to the reader ("for example
``lambda x: x > 0``"); its repository's perceptron.py defines it as ``f``. Here
it is ``threshold``, the Heaviside step: 1 where the weighted sum is positive,
else 0.
"""

import numpy as np

SAMPLE = np.dtype([("input", float, (2,)), ("output", float)])


def threshold(x):
    """The perceptron's activation: 1.0 where x > 0, else 0.0.

    Exercise
    --------
    The perceptron's threshold function: for a number or an array ``x``,
    return 1.0 where ``x`` is strictly positive and 0.0 elsewhere, as floats
    of the same shape.
    """
    return (np.asarray(x) > 0).astype(float)


class Perceptron:
    """A single-layer perceptron with n inputs (plus a bias input fixed at 1) and m outputs.

    Exercise
    --------
    Write the perceptron as a class. ``Perceptron(n, m, rng)`` has ``n`` inputs
    and ``m`` outputs, and keeps three arrays and the generator ``rng``:

    - ``input``, n + 1 floats, the first one always 1 (the bias input);
    - ``output``, m floats;
    - ``weights``, shape (m, n + 1), column 0 holding the bias weights.

    Its methods:

    - ``reset()`` draws all the weights at once with
      ``self.rng.uniform(-0.5, 0.5, (m, n + 1))``; ``__init__`` ends by calling it;
    - ``propagate_forward(data)`` puts the n values of ``data`` after the bias
      in ``input``, sets ``output`` to ``threshold(weights @ input)`` and returns
      ``output``;
    - ``propagate_backward(target, lrate=0.1)`` takes ``error = target - output``,
      adds ``lrate * error[i] * input`` to row i of the weights for each output i
      (the delta rule), and returns the sum of the squared errors as a float.

    The check makes a perceptron, resets it and trains it on a few samples:
    what each method returns, call after call, must be the reference's.
    """

    def __init__(self, n, m, rng):
        "Make the arrays for n inputs (and the bias) and m outputs, then draw the weights"
        self.input = np.ones(n + 1)
        self.output = np.ones(m)
        self.weights = np.zeros((m, n + 1))
        self.rng = rng
        self.reset()

    def reset(self):
        "Draw new weights, uniform in [-0.5, 0.5)"
        self.weights[...] = self.rng.uniform(-0.5, 0.5, self.weights.shape)

    def propagate_forward(self, data):
        "Set the input (after the bias) to data; return the output, the thresholded weighted sums"
        self.input[1:] = data  # input[0] stays 1: the bias
        self.output[...] = threshold(self.weights @ self.input)
        return self.output

    def propagate_backward(self, target, lrate=0.1):
        "Move the weights towards target by lrate (the delta rule); return the squared error"
        error = np.atleast_2d(target - self.output)
        self.weights += lrate * error.T @ np.atleast_2d(self.input)
        return float((error ** 2).sum())


def predict(network, inputs):
    """The network's outputs for every row of ``inputs`` (k, n) at once."""
    return threshold(inputs @ network.weights[:, 1:].T + network.weights[:, 0])


def make_samples(count, rng):
    """Return ``count`` labelled points: uniform in [0.05, 0.95)^2, output 1 (star) below x + y = 1, else 0 (disc).

    Exercise
    --------
    Make the training set: a structured array of ``count`` samples with a
    field ``input`` (two floats, x and y) and a field ``output`` (one float).
    Draw all the points at once with ``rng.uniform(0.05, 0.95, (count, 2))``;
    a point below the line x + y = 1 is a star (output 1.0), any other a disc
    (output 0.0).

    Return the array, of shape (count,).
    """
    samples = np.zeros(count, dtype=SAMPLE)
    P = rng.uniform(0.05, 0.95, (count, 2))
    samples["input"] = P
    samples["output"] = (P.sum(axis=1) < 1).astype(float)
    return samples


def cases(seed, config):
    """The calls `snakemake check` makes: thresholds of numbers and arrays, the configured and tiny training sets."""
    from coursekit.core import rng

    p = config["perceptron"]
    values = [np.array([-1.0, 0.0, 1e-12, 3.0]), np.zeros((2, 3)), 0.5, -2.0]
    return ([("threshold", (x,)) for x in values]
            + [("make_samples", (n, rng(seed, "check", "perceptron", str(n)))) for n in (p["samples"], 1, 7)]
            + [("Perceptron", training(n, m, rng(seed, "check", "perceptron", "class", str(m)), p["lrate"],
                                       p["decay"])) for n, m in ((2, 1), (3, 2))])


def training(n, m, rng, lrate, decay, iterations=40):
    """A check of the class: (the constructor's arguments, the method calls), a reset and ``iterations`` training
    steps on random samples with a decaying rate, as :func:`train` makes them. Targets of several outputs are
    the star-or-disc label and its opposite."""
    points = rng.uniform(0.05, 0.95, (iterations, n))
    labels = (points.sum(axis=1) < n / 2).astype(float)
    targets = labels[:, None] if m == 1 else np.stack([labels, 1 - labels] + [labels] * (m - 2), axis=1)
    calls = [("reset", ())]
    for x, target in zip(points, targets):
        lrate *= decay
        calls += [("propagate_forward", (x,)), ("propagate_backward", (target if m > 1 else target[0], lrate))]
    return ((n, m, rng), calls)


def train(samples, iterations, lrate, decay, rng):
    """Train a perceptron on random samples; return it, the log rows, and the weights after every iteration.

    Each iteration multiplies the learning rate by ``decay``, picks one sample
    at random, propagates it forward and backward. Log rows: iteration,
    lrate, sample, error, accuracy (on all samples, after that update).
    """
    network = Perceptron(2, 1, rng)
    rows, history = [], [network.weights.copy()]
    for i in range(1, iterations + 1):
        lrate *= decay
        n = int(rng.integers(samples.size))
        network.propagate_forward(samples["input"][n])
        error = network.propagate_backward(samples["output"][n], lrate)
        accuracy = float(np.mean(predict(network, samples["input"])[:, 0] == samples["output"]))
        rows.append({"iteration": i, "lrate": lrate, "sample": n, "error": error, "accuracy": accuracy})
        history.append(network.weights.copy())
    return network, rows, np.array(history)


def boundary(weights):
    """Return two points (x, y) of the decision line w0 + w1 x + w2 y = 0 across the unit square."""
    w0, w1, w2 = np.ravel(weights)
    if abs(w2) > abs(w1):
        x = np.array([0.0, 1.0])
        return x, -(w0 + w1 * x) / w2
    y = np.array([0.0, 1.0])
    return (-(w0 + w2 * y) / w1 if w1 else np.full(2, np.nan)), y


def figure_of(samples):
    """Return (fig, line): the samples as red stars and blue discs, and an empty decision line."""
    from coursekit.core import figure

    fig, ax = figure((6, 6))
    fig.set_dpi(100)
    stars = samples["output"] == 1
    ax.scatter(*samples["input"][stars].T, marker="*", s=50, color="tab:red", alpha=0.6, linewidths=0)
    ax.scatter(*samples["input"][~stars].T, marker="o", s=25, color="blue", alpha=0.5, linewidths=0)
    (line,) = ax.plot([], [], color="black", linewidth=2)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.subplots_adjust(0, 0, 1, 1)
    return fig, line


def frames(samples, history, count):
    """Yield ``count`` RGB frames (600 x 600) of the decision line, evenly spread over the training."""
    fig, line = figure_of(samples)
    for i in np.linspace(0, len(history) - 1, count).round().astype(int):
        line.set_data(*boundary(history[i]))
        fig.canvas.draw()
        yield np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()


def write_video(path, frames, fps):
    """Encode frames as H.264 MP4 with imageio's v3 API, bit-exact and single-threaded (repeatable bytes).

    ``frames`` may be a generator: each frame goes to the encoder as it is drawn, so memory does not grow
    with their number (10,000 frames kept in a list were 11 GB).
    """
    import imageio.v3 as iio

    from coursekit.core import atomic_path

    with atomic_path(path) as tmp:
        iio.imwrite(tmp, frames, is_batch=True, extension=".mp4", plugin="FFMPEG", fps=fps, codec="libx264",
                    macro_block_size=1, ffmpeg_log_level="error",
                    output_params=["-threads", "1", "-fflags", "+bitexact", "-flags", "+bitexact",
                                   "-map_metadata", "-1", "-x264-params", "threads=1"])


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log, rng, save_csv, save_figure

    def main():
        p = snakemake.params.perceptron
        samples = make_samples(p["samples"], rng(snakemake.params.seed, "perceptron", "samples"))
        network, rows, history = train(samples, p["iterations"], p["lrate"], p["decay"],
                                       rng(snakemake.params.seed, "perceptron", "training"))
        log.info("final accuracy %.3f after %d iterations", rows[-1]["accuracy"], len(rows))
        save_csv(snakemake.output.log_csv, rows)
        fig, line = figure_of(samples)
        line.set_data(*boundary(network.weights))
        save_figure(fig, snakemake.output.png, dpi=100)
        write_video(snakemake.output.mp4, frames(samples, history, p["frames"]), p["fps"])

    entry(snakemake, main)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/perceptron.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
