"""Provenance of a run: the resolved config and its hash, package versions (FreeType too), Python, platform, commit."""

import hashlib
import json
import platform
import subprocess

PACKAGES = ("numpy", "scipy", "matplotlib", "imageio", "imageio-ffmpeg", "pillow", "snakemake", "pyyaml", "jsonschema")


def config_hash(config):
    """SHA-256 of the config as canonical JSON (sorted keys): equal configs, equal hashes."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def git_commit(repo):
    """The commit checked out in ``repo`` (with '+ uncommitted changes' if any), or 'not a git checkout'."""
    try:
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return commit + (" + uncommitted changes" if dirty else "")


def provenance(config, commit):
    """Return the provenance record as a dict."""
    from coursekit.core import package_versions

    from matplotlib import ft2font

    packages = {**package_versions(PACKAGES), "freetype": ft2font.__freetype_version__}
    return {"config": config, "config_sha256": config_hash(config), "packages": packages,
            "python": platform.python_version(), "platform": platform.platform(), "git_commit": commit}


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_text

    entry(snakemake, lambda: save_text(
        snakemake.output.json,
        json.dumps(provenance(snakemake.params.config, snakemake.params.commit), indent=2, sort_keys=True) + "\n"))
