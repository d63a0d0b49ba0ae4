"""Build hook: the wheel carries the LMS migrations and the example course.

The repository keeps them at the top level (``migrations/``, ``courses/``), where the
standalone app and course authors expect them. A host installs the LMS from a wheel, so
``build_py`` copies both into the package as ``lms/_bundled/`` (see ``lms/paths.py``), and
compiles the translation catalogues (``.po`` -> ``.mo``) there too.
Everything else is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("migrations", "courses")


def compile_catalogues(folder: Path) -> None:
    """Compile every ``messages.po`` under ``folder`` into the ``messages.mo`` beside it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)


class build_py_with_bundled_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        compile_catalogues(Path(self.build_lib) / "lms" / "translations")
        target = Path(self.build_lib) / "lms" / "_bundled"
        for name in SHIPPED:
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(
                HERE / name, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": build_py_with_bundled_data})
