"""Build hook: the wheel carries the LMS migrations and the example course.

The repository keeps them at the top level (``migrations/``, ``courses/``), where the
standalone app and course authors expect them. A host installs the LMS from a wheel, so
``build_py`` copies both into the package as ``lms/_bundled/`` (see ``lms/paths.py``).
Everything else is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("migrations", "courses")


class build_py_with_bundled_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        target = Path(self.build_lib) / "lms" / "_bundled"
        for name in SHIPPED:
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(HERE / name, dest,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_bundled_data})
