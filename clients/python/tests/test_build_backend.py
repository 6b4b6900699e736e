"""The in-tree build backend: what pip runs to install the package offline."""

import os
import sys
import tempfile
import unittest
import zipfile

import support

PACKAGE_ROOT = os.path.join(support.REPOSITORY, "clients", "python")
sys.path.insert(0, os.path.join(PACKAGE_ROOT, "build_backend"))

import image_relay_build  # noqa: E402


class BuildBackend(unittest.TestCase):
    def test_the_fallback_reader_agrees_with_tomllib_on_pyproject(self) -> None:
        tomllib = support.require(self, "tomllib", "python3 3.11 or newer")
        with open(os.path.join(PACKAGE_ROOT, "pyproject.toml"), "rb") as file:
            text = file.read().decode()
        self.assertEqual(image_relay_build.parse_simple_toml(text)["project"], tomllib.loads(text)["project"])

    def test_the_wheel_holds_the_package_its_type_marker_and_a_true_record(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            name = image_relay_build.build_wheel(folder)
            self.assertEqual(name, "image_relay-0.1.0-py3-none-any.whl")
            with zipfile.ZipFile(os.path.join(folder, name)) as wheel:
                names = wheel.namelist()
                record = wheel.read("image_relay-0.1.0.dist-info/RECORD").decode().splitlines()
                metadata = wheel.read("image_relay-0.1.0.dist-info/METADATA").decode()
        self.assertIn("image_relay/py.typed", names)
        self.assertIn("image_relay/__main__.py", names)
        self.assertFalse([entry for entry in names if "__pycache__" in entry])
        self.assertEqual(sorted(line.split(",")[0] for line in record), sorted(names))
        self.assertIn("Requires-Python: >=3.9", metadata)
        self.assertIn('Requires-Dist: numpy; extra == "numpy"', metadata)

    def test_the_version_is_the_packages(self) -> None:
        import image_relay

        self.assertEqual(image_relay_build.read_project()["version"], image_relay.__version__)


if __name__ == "__main__":
    unittest.main()
