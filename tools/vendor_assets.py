"""Vendor the console's front-end files from the npm registry's published tarballs.

``python tools/vendor_assets.py`` downloads each package at its pinned version, checks the
tarball against the registry's SHA-512 integrity string written here, and copies the named files
(with the package's licence) into ``src/oms/console/static/vendor``. The files are committed: oms
serves them itself, so the console needs no CDN and works offline. Run it only to change a
version (update the pin and its integrity together).
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "src/oms/console/static/vendor"
REGISTRY = "https://registry.npmjs.org"

PACKAGES = (
    (
        "htmx.org",
        "2.0.11",
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        {"dist/htmx.min.js": "htmx.min.js", "LICENSE": "htmx.LICENSE"},
    ),
    (
        "@picocss/pico",
        "2.1.1",
        "sha512-kIDugA7Ps4U+2BHxiNHmvgPIQDWPDU4IeU6TNRdvXQM1uZX+FibqDQT2xUOnnO2yq/LUHcwnGlu1hvf4KfXnMg==",
        {"css/pico.min.css": "pico.min.css", "LICENSE.md": "pico.LICENSE"},
    ),
    (
        "chart.js",
        "4.6.1",
        "sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g==",
        {"dist/chart.umd.min.js": "chart.umd.min.js", "LICENSE.md": "chart.LICENSE"},
    ),
)


def tarball_url(name: str, version: str) -> str:
    """The registry's address of a published tarball (scoped names keep their scope)."""
    base = name.rpartition("/")[2]
    return f"{REGISTRY}/{name}/-/{base}-{version}.tgz"


def check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        sys.exit(f"integrity mismatch: expected {integrity}, got {algorithm}-{digest}")


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    versions = []
    for name, version, integrity, files in PACKAGES:
        with urllib.request.urlopen(tarball_url(name, version), timeout=60) as response:  # noqa: S310
            data = response.read()
        check_integrity(data, integrity)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for inside, outside in files.items():
                member = archive.extractfile(f"package/{inside}")
                if member is None:
                    sys.exit(f"{name}@{version} has no {inside}")
                (TARGET / outside).write_bytes(member.read())
        versions.append(f"{name}@{version} {integrity}")
    (TARGET / "VERSIONS").write_text("\n".join(versions) + "\n")
    print(f"vendored {len(PACKAGES)} packages into {TARGET}")  # noqa: T201 (a command)


if __name__ == "__main__":
    main()
