import shutil

import imageio.v3 as iio
import numpy as np
import pytest

from coursekit.references import manifest
from coursekit.references import verify
from coursekit.core import InputError


def test_integers_exact_and_one_cell_named():
    a = np.zeros((5, 7), np.uint8)
    b = a.copy()
    b[2, 3] = 1
    assert verify.compare_arrays(a, a.copy()).ok
    out = verify.compare_arrays(b, a)
    assert not out.ok and "1 of 35 elements differ (first at [2, 3])" in out.difference


def test_floats_within_tolerance():
    a = np.linspace(0, 1, 50)
    assert verify.compare_arrays(a * (1 + 1e-9), a).ok          # a different CPU's last bits
    out = verify.compare_arrays(a + 1e-4, a)                    # a real change
    assert not out.ok and "max |diff| 0.0001" in out.difference
    assert not verify.compare_arrays(a[:-1], a).ok


def test_nan_positions_must_match():
    a = np.array([1.0, np.nan])
    assert verify.compare_arrays(a, a.copy()).ok
    assert not verify.compare_arrays(np.array([1.0, 2.0]), a).ok


def test_structured_arrays_field_by_field():
    dt = np.dtype([("lemma", "U10"), ("x", float)])
    a = np.array([("to", 0.5), ("be", 0.25)], dtype=dt)
    b = a.copy()
    b["lemma"][1] = "or"
    out = verify.compare_arrays(b, a)
    assert not out.ok and "lemma" in out.difference


def test_figure_rms(tmp_path):
    a = np.full((40, 50, 3), 200, np.uint8)
    b = a.copy()
    b[10:20, 10:20] = 0                                        # 100 of 2000 pixels change by 200
    iio.imwrite(tmp_path / "a.png", a)
    iio.imwrite(tmp_path / "b.png", b)
    expected = np.sqrt(100 * 3 * 200 ** 2 / a.size)
    out = verify.compare_image(tmp_path / "b.png", tmp_path / "a.png", exact=False)
    assert not out.ok and f"{expected:.3g}" in out.difference
    c = a.copy()
    c[0, 0, 0] += 1                                            # one channel off by one: below tolerance
    iio.imwrite(tmp_path / "c.png", c)
    assert verify.compare_image(tmp_path / "c.png", tmp_path / "a.png", exact=False).ok
    assert not verify.compare_image(tmp_path / "c.png", tmp_path / "a.png", exact=True).ok


def test_csv_numbers_and_text(tmp_path):
    (tmp_path / "a.csv").write_text("name,x\nloop,1.0\n")
    (tmp_path / "b.csv").write_text("name,x\nloop,1.00000001\n")
    (tmp_path / "c.csv").write_text("name,x\nloops,1.0\n")
    assert verify.compare_csv(tmp_path / "b.csv", tmp_path / "a.csv").ok
    assert not verify.compare_csv(tmp_path / "c.csv", tmp_path / "a.csv").ok


def make_tree(root, files, listed=False):
    """Save each array at root/name; with ``listed``, as references: in a MANIFEST.sha256 too."""
    for name, array in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        np.save(root / name, array)
    if listed:
        manifest.write(root, {name: manifest.sha256(root / name) for name in files})


def test_verify_reports_each_case(tmp_path):
    results, refs = tmp_path / "results", tmp_path / "refs"
    make_tree(results, {"a/x.npy": np.arange(3), "a/new.npy": np.arange(2)})
    make_tree(refs, {"a/x.npy": np.arange(3), "a/gone.npy": np.arange(4)}, listed=True)
    rows = verify.verify([results / "a/x.npy", results / "a/new.npy"], results, refs)
    status = {r[0]: r[2] for r in rows}
    assert status == {"a/x.npy": "ok", "a/new.npy": "NO REFERENCE", "a/gone.npy": "NOT MADE"}
    text = verify.table(rows)
    assert "1 of 3 artefacts match" in text and "**NOT MADE**" in text


def test_verify_without_references(tmp_path):
    with pytest.raises(InputError, match="no references in .*accept_references"):
        verify.verify([], tmp_path / "results", tmp_path / "empty")


def test_accept_then_verify_round_trip(tmp_path):
    results, refs = tmp_path / "results", tmp_path / "refs"
    make_tree(results, {"x.npy": np.arange(3), "old.npy": np.arange(1)})
    first = dict(verify.accept([results / "x.npy", results / "old.npy"], results, refs, {"seed": 1}, tmp_path / "repo"))
    assert first == {"x.npy": "added", "old.npy": "added"}
    make_tree(results, {"x.npy": np.arange(3) + 1, "y.npy": np.ones(2)})
    changes = dict(verify.accept([results / "x.npy", results / "y.npy"], results, refs, {"seed": 2}, tmp_path / "repo"))
    assert changes == {"x.npy": "changed", "y.npy": "added", "old.npy": "removed"}
    assert not (refs / "old.npy").exists()
    assert all(r[2] == "ok" for r in verify.verify([results / "x.npy", results / "y.npy"], results, refs))
    assert "seed: 2" in (refs / "config.yaml").read_text()


def test_config_changes_named():
    assert verify.config_changes({"d": {"F": 0.06}, "s": 1}, {"d": {"F": 0.05}, "s": 1}) == ["`d.F`: 0.05 -> 0.06"]


@pytest.mark.parametrize("damaged", ["artefact", "reference"])
def test_a_truncated_file_is_reported_not_a_traceback(tmp_path, damaged):
    """A PNG cut to 100 bytes made every later run fail inside compare_with_references, and nothing remade it."""
    results, refs = tmp_path / "results", tmp_path / "refs"
    for root in (results, refs):
        (root / "warmup").mkdir(parents=True)
        iio.imwrite(root / "warmup/diffusion.png", np.random.default_rng(0).integers(0, 256, (40, 40, 3), np.uint8))
        make_tree(root, {"warmup/diffusion.npy": np.arange(4.0)}, listed=root == refs)
    manifest.write(refs, {n: manifest.sha256(refs / n) for n in ("warmup/diffusion.png", "warmup/diffusion.npy")})
    cut = (results if damaged == "artefact" else refs) / "warmup/diffusion.png"
    cut.write_bytes(cut.read_bytes()[:100])
    rows = verify.verify([results / "warmup/diffusion.png", results / "warmup/diffusion.npy"], results, refs)
    status = {r[0]: (r[2], r[3]) for r in rows}
    assert status["warmup/diffusion.npy"][0] == "ok"
    assert status["warmup/diffusion.png"][0] == f"UNREADABLE {damaged.upper()}"
    how = ("snakemake --cores all --force results/warmup/diffusion.png" if damaged == "artefact"
           else f"git checkout -- {refs / 'warmup/diffusion.png'}")
    assert how in status["warmup/diffusion.png"][1] and "cannot be read" in status["warmup/diffusion.png"][1]
    assert "**UNREADABLE" in verify.table(rows)


def test_versions_that_differ_are_named_beside_what_differs():
    now = {"packages": {"numpy": "2.4.6", "matplotlib": "3.11.2"}, "python": "3.11.7"}
    then = {"packages": {"numpy": "2.3.5", "matplotlib": "3.11.2"}, "python": "3.11.7"}
    changes = verify.version_changes(now, then)
    assert changes == ["numpy 2.3.5 -> 2.4.6"]
    assert verify.version_changes(now, None) == ["the references carry no provenance (accept them again to record it)"]
    rows = [("a.npy", "exact", "ok", "0 of 3 elements differ"), ("b.png", "pixels", "DIFFERENT", "RMS 3.2")]
    text = verify.table(rows, versions=changes)
    assert "Versions that differ from the references' run: numpy 2.3.5 -> 2.4.6." in text
    assert "| b.png | pixels | **DIFFERENT** | RMS 3.2 (versions differ: numpy 2.3.5 -> 2.4.6) |" in text
    assert "| a.npy | exact | ok | 0 of 3 elements differ |" in text


def test_accept_keeps_the_provenance_of_the_run(tmp_path):
    results, refs = tmp_path / "results", tmp_path / "refs"
    make_tree(results, {"x.npy": np.arange(3)})
    (tmp_path / "provenance.json").write_text('{"packages": {"numpy": "2.4.6"}}')
    verify.accept([results / "x.npy"], results, refs, {"seed": 1}, tmp_path / "repo", tmp_path / "provenance.json")
    assert (refs / "provenance.json").read_text() == '{"packages": {"numpy": "2.4.6"}}'
    assert "provenance.json" in manifest.read(refs) and verify.reference_files(refs) == {"x.npy"}


def test_within_tolerance_by_hand():
    """The one tolerance (|a - b| <= 1e-9 + 1e-7 |b|, NaN agrees with NaN), on hand-worked cases."""
    from coursekit.references.verify import within_tolerance

    assert within_tolerance(1.0 + 1.0e-7, 1.0) and not within_tolerance(1.0 + 1.05e-7, 1.0)  # bound 1.01e-7
    assert within_tolerance(0.9e-9, 0.0) and not within_tolerance(1.1e-9, 0.0)
    assert within_tolerance(float("nan"), float("nan")) and not within_tolerance(float("nan"), 1.0)
    assert not within_tolerance(1.0, float("nan"))
    got = within_tolerance(np.array([1.0, 2.0, np.nan]), np.array([1.0, 2.1, np.nan]))
    assert got.tolist() == [True, False, True]
