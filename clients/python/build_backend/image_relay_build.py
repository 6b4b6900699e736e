"""A PEP 517 build backend for this one package, standard library only.

pip runs it from this folder (``backend-path`` in pyproject.toml) in an empty build environment, so installing
the client needs no network: no setuptools, no wheel package. It builds a pure-Python wheel of ``src/`` (PEP 427),
an sdist (PEP 625), and an editable wheel (PEP 660) that points at ``src/``. Metadata comes from the
``[project]`` table of pyproject.toml (PEP 621), read with tomllib, or on Python < 3.11 with the small reader
below, which knows only the forms that file uses.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import io
import os
import re
import tarfile
import time
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "image_relay"
SOURCE = os.path.join(ROOT, "src")
#: Wheels must be reproducible: every file gets this time (1980-01-01, the earliest zip can hold).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def read_project(path: str = os.path.join(ROOT, "pyproject.toml")) -> Dict[str, Any]:
    with open(path, "rb") as file:
        text = file.read().decode("utf-8")
    try:
        tomllib = importlib.import_module("tomllib")  # Python 3.11+
    except ImportError:
        document = parse_simple_toml(text)
    else:
        document = tomllib.loads(text)
    project: Dict[str, Any] = document["project"]
    return project


def parse_simple_toml(text: str) -> Dict[str, Any]:
    """Tables, ``key = "string"`` and ``key = ["string", ...]`` (on one or several lines): all pyproject.toml holds."""
    document: Dict[str, Any] = {}
    table = document
    pending: Optional[Tuple[str, str]] = None
    for raw in text.splitlines():
        line = raw.split(" #")[0].strip() if not raw.strip().startswith("#") else ""
        if pending is not None:
            pending = (pending[0], pending[1] + " " + line)
            if line.endswith("]"):
                table[pending[0]] = re.findall(r'"((?:[^"\\]|\\.)*)"', pending[1])
                pending = None
            continue
        if not line:
            continue
        header = re.fullmatch(r"\[([A-Za-z0-9_.-]+)\]", line)
        if header:
            table = document
            for part in header.group(1).split("."):
                table = table.setdefault(part, {})
            continue
        key, _, value = (piece.strip() for piece in line.partition("="))
        if value.startswith('"'):
            table[key] = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', value).group(1)  # type: ignore[union-attr]
        elif value.startswith("[") and value.endswith("]"):
            table[key] = re.findall(r'"((?:[^"\\]|\\.)*)"', value)
        elif value.startswith("["):
            pending = (key, value)
        else:
            raise ValueError(f"pyproject.toml: cannot read {raw!r} without tomllib")
    return document


def _metadata(project: Dict[str, Any]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
        f"License: {project['license']}",
        f"Keywords: {','.join(project.get('keywords', []))}",
    ]
    lines += [f"Classifier: {classifier}" for classifier in project.get("classifiers", [])]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {requirement}; extra == "{extra}"' for requirement in requirements]
    lines.append("Description-Content-Type: text/markdown")
    with open(os.path.join(ROOT, project.get("readme", "README.md")), encoding="utf-8") as readme:
        return "\n".join(lines) + "\n\n" + readme.read()


def _names(project: Dict[str, Any]) -> Tuple[str, str]:
    distribution = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return distribution, f"{distribution}-{project['version']}"


def _package_files() -> List[Tuple[str, str]]:
    """(path in the wheel, path on disk) of every file of the package, without caches."""
    files = []
    for directory, folders, names in os.walk(os.path.join(SOURCE, PACKAGE)):
        folders[:] = sorted(folder for folder in folders if folder != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            on_disk = os.path.join(directory, name)
            files.append((os.path.relpath(on_disk, SOURCE).replace(os.sep, "/"), on_disk))
    return files


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str, contents: List[Tuple[str, bytes]]) -> str:
    project = read_project()
    distribution, stem = _names(project)
    info = f"{stem}.dist-info"
    contents = contents + [
        (f"{info}/METADATA", _metadata(project).encode("utf-8")),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: image_relay_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = [_record_line(name, data) for name, data in contents] + [f"{info}/RECORD,,"]
    contents.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    filename = f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in contents:
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
    return filename


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


# --- PEP 517 and PEP 660 hooks -----------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None, metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, [(name, _read(path)) for name, path in _package_files()])


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None, metadata_directory: Optional[str] = None) -> str:
    # A .pth file puts src/ on sys.path: edits to the package take effect without reinstalling.
    return _write_wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth", (SOURCE + "\n").encode("utf-8"))])


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    project = read_project()
    _, stem = _names(project)
    filename = f"{stem}.tar.gz"
    files = [("pyproject.toml", os.path.join(ROOT, "pyproject.toml")), ("README.md", os.path.join(ROOT, "README.md"))]
    files.append(("build_backend/image_relay_build.py", os.path.abspath(__file__)))
    files += [(f"src/{name}", path) for name, path in _package_files()]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        pkg_info = _metadata(project).encode("utf-8")
        for name, data in [("PKG-INFO", pkg_info)] + [(name, _read(path)) for name, path in files]:
            entry = tarfile.TarInfo(f"{stem}/{name}")
            entry.size = len(data)
            entry.mtime = int(time.mktime((1980, 1, 1, 0, 0, 0, 0, 0, -1)))
            entry.mode = 0o644
            sdist.addfile(entry, io.BytesIO(data))
    return filename
