"""lms.domain is pure: importing it loads neither Flask nor SQLAlchemy."""

import subprocess
import sys


def test_domain_imports_no_framework():
    code = (
        "import sys, pkgutil, importlib, lms.domain\n"
        "for m in pkgutil.iter_modules(lms.domain.__path__):\n"
        "    importlib.import_module('lms.domain.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug', 'yaml'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"lms.domain imported: {out.stdout}"
