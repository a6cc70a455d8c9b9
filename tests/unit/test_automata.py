import numpy as np
import pytest

import automata


def run(rule, steps, width):
    return automata.evolve(automata.initial_state(steps, width), rule)


def test_rule_table_is_wolfram_bits():
    for rule in (0, 30, 90, 110, 255):
        assert automata.rule_table(rule).tolist() == [int(b) for b in reversed(f"{rule:08b}")]


def test_rule30_first_rows_as_on_wikipedia():
    Z = run(30, 4, 9)
    c = 9 // 2
    assert "".join(map(str, Z[0, c - 1:c + 2])) == "010"
    assert "".join(map(str, Z[1, c - 1:c + 2])) == "111"
    assert "".join(map(str, Z[2, c - 2:c + 3])) == "11001"
    assert "".join(map(str, Z[3, c - 3:c + 4])) == "1101111"


def test_rule30_is_not_mirrored():
    Z = run(30, 60, 121)
    # Rule 30's left edge is a regular staircase of 1s; its right side is chaotic,
    # so the pattern differs from its mirror image (the course draws the mirror).
    assert not np.array_equal(Z, Z[:, ::-1])
    np.testing.assert_array_equal(run(86, 60, 121), Z[:, ::-1])


def test_rule90_is_sierpinski_pascal_mod_2():
    steps, width = 32, 65
    Z = run(90, steps, width)
    c = width // 2
    expected = np.zeros_like(Z)
    for n in range(steps):
        for k in range(n + 1):
            # Rule 90 from a single cell: row n holds C(n, k) mod 2 at every other cell.
            from math import comb
            expected[n, c - n + 2 * k] = comb(n, k) % 2
    np.testing.assert_array_equal(Z, expected)


@pytest.mark.parametrize("rule", [1, 30, 54, 90, 110, 150, 255])
def test_row_at_a_time_equals_cell_at_a_time(rule):
    Z0 = automata.initial_state(40, 51)
    np.testing.assert_array_equal(automata.evolve(Z0.copy(), rule), automata.evolve_python(Z0.copy(), rule))


def test_edges_stay_zero_and_dtype():
    Z = run(255, 10, 11)
    assert Z.dtype == np.uint8 and not Z[:, 0].any() and not Z[:, -1].any()
    assert Z[1:, 1:-1].all()


def test_rule_out_of_range():
    with pytest.raises(ValueError, match="0..255, got 256"):
        automata.rule_table(256)


def test_gallery_has_one_labelled_thumbnail_per_rule():
    rules = [30, 90, 110, 0, 255]
    fig = automata.gallery({rule: run(rule, 8, 17) for rule in rules})
    assert [ax.get_title() for ax in fig.axes] == [f"Rule {rule}" for rule in rules]
    for ax, rule in zip(fig.axes, rules):
        np.testing.assert_array_equal(ax.images[0].get_array(), run(rule, 8, 17))
