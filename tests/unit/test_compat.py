"""The course under other NumPy versions (compat.py): computing, comparing, and the matrix a person reads."""

import json
from pathlib import Path

import numpy as np
import yaml

import compat

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def test_compute_in_this_environment_equals_the_references(tmp_path):
    """What a compat environment runs, run here with the pinned NumPy: every artefact the same as its reference."""
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    compat.compute(tmp_path / "config.json", tmp_path)
    rows, report = compat.compare_run(tmp_path, ROOT / "workflow/references")
    assert report["numpy"] == np.__version__ and report["errors"] == {}
    assert len(rows) >= 11 and {status for status, _ in rows.values()} == {"same"}, rows


def test_a_changed_result_is_differs_and_an_error_is_named(tmp_path):
    refs = tmp_path / "refs"
    (refs / "warmup").mkdir(parents=True)
    np.save(refs / "warmup/diffusion.npy", np.zeros((2, 3)))
    np.save(refs / "warmup/same.npy", np.arange(3))
    np.savez(tmp_path / "arrays.npz", **{"warmup|diffusion.npy": np.full((2, 3), 1e-3), "warmup|same.npy": np.arange(3)})
    (tmp_path / "report.json").write_text(json.dumps({"numpy": "2.0.0", "warnings": [], "errors": {
        "advanced/geometry.npy": "ValueError: operands could not be broadcast (geometry.py, line 12)"}}))
    rows, _ = compat.compare_run(tmp_path, refs)
    assert rows["warmup/same.npy"][0] == "same"
    assert rows["warmup/diffusion.npy"] == ("differs", "max |diff| 0.001")
    assert rows["advanced/geometry.npy"] == ("error", "ValueError: operands could not be broadcast (geometry.py, line 12)")


def test_matrix_and_page_name_every_status_and_our_warnings():
    results = [
        {"numpy": "2.2.6", "rows": {"a.npy": ["same", "0 of 3 elements differ"], "b.npy": ["differs", "max |diff| 1"]},
         "warnings": [{"category": "DeprecationWarning", "message": "np.foo is deprecated", "file": "geometry.py",
                       "line": 7, "ours": True, "artefact": "a.npy"},
                      {"category": "FutureWarning", "message": "inside", "file": "fromnumeric.py", "line": 1,
                       "ours": False}]},
        {"numpy": "9.9.9", "rows": {}, "not_installable": "No matching distribution found for numpy==9.9.9"},
    ]
    rows, warned = compat.matrix(results)
    assert {(r["artefact"], r["numpy"], r["status"]) for r in rows} == {
        ("a.npy", "2.2.6", "same"), ("b.npy", "2.2.6", "differs"), ("a.npy", "9.9.9", "not-installable"),
        ("b.npy", "9.9.9", "not-installable")}
    page = compat.markdown(rows, warned)
    assert "| b.npy | **differs**: max \\|diff\\| 1 | **not-installable**: No matching distribution" in page
    assert "raised by our code: 1" in page and "| 2.2.6 | DeprecationWarning: np.foo is deprecated | geometry.py, line 7" in page
    assert "(1 more raised inside other packages" in page


def test_pinned_reads_the_requirements():
    assert compat.pinned(["pillow", "pyyaml"]) == [f"pillow=={__import__('PIL').__version__}",
                                                   f"pyyaml=={yaml.__version__}"]
