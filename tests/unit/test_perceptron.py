import numpy as np

import perceptron
from coursekit.core import rng


def test_threshold_is_a_step():
    assert perceptron.threshold([-1.0, 0.0, 1e-9, 3.0]).tolist() == [0.0, 0.0, 1.0, 1.0]


def test_samples_are_labelled_by_side_of_the_diagonal():
    S = perceptron.make_samples(500, rng(0, "s"))
    assert ((S["input"] >= 0.05) & (S["input"] < 0.95)).all()
    for (x, y), out in zip(S["input"], S["output"]):
        assert out == (1.0 if x + y < 1 else 0.0)


def test_hand_worked_update():
    net = perceptron.Perceptron(2, 1, rng(0, "p"))
    net.weights[...] = [[0.0, 1.0, 1.0]]
    assert net.propagate_forward([0.2, 0.3])[0] == 1.0
    error = net.propagate_backward(0.0, lrate=0.5)
    assert error == 1.0
    np.testing.assert_allclose(net.weights, [[-0.5, 0.9, 0.85]])


def test_learns_a_separable_set():
    S = perceptron.make_samples(100, rng(5, "samples"))
    net, rows, history = perceptron.train(S, 1000, 0.1, 0.999, rng(5, "training"))
    assert len(rows) == 1000 and history.shape == (1001, 1, 3)
    assert rows[-1]["accuracy"] >= 0.95
    predicted = [perceptron.threshold(net.weights[0] @ [1, *x]) for x in S["input"]]
    assert np.mean(np.array(predicted) == S["output"]) == rows[-1]["accuracy"]
    assert np.isclose(rows[-1]["lrate"], 0.1 * 0.999 ** 1000)


def test_boundary_points_are_on_the_line():
    w = np.array([[-1.0, 1.2, 0.9]])
    x, y = perceptron.boundary(w)
    np.testing.assert_allclose(w[0, 0] + w[0, 1] * x + w[0, 2] * y, 0, atol=1e-12)


def test_course_defaults_reach_95_percent():
    """config.yaml's perceptron section and seed, drawn from the pipeline's streams: last accuracy >= 95%.

    (That the pipeline's log.csv holds exactly these rows is checked by the interrupted-run test.)
    """
    from pathlib import Path

    from coursekit.config import load_yaml

    config = load_yaml((Path(__file__).resolve().parents[2] / "config.yaml").read_text())
    p = config["perceptron"]
    assert (p["samples"], p["iterations"]) == (100, 1000)  # the course's
    samples = perceptron.make_samples(p["samples"], rng(config["seed"], "perceptron", "samples"))
    _, rows, _ = perceptron.train(samples, p["iterations"], p["lrate"], p["decay"],
                                  rng(config["seed"], "perceptron", "training"))
    assert len(rows) == 1000 and rows[-1]["accuracy"] >= 0.95
