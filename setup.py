"""Build step: compile the translation catalogs into the wheel, so pip install gives Chinese.

The metadata is in setup.cfg; this file only adds the compile step to build_py. The compiled
.mo files are never committed, so a build from a clean checkout makes them here.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = "sponsorship/translations"


class BuildPyWithCatalogs(build_py):
    """Copy the package as usual, then write each messages.po's compiled .mo beside its copy."""

    def run(self):
        """Build the package, then compile every catalog into the build directory."""
        super().run()
        for po_path in Path(CATALOGS).glob("*/LC_MESSAGES/messages.po"):
            target = Path(self.build_lib) / po_path.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
