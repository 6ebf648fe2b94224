"""Size and shape, enforced by tools: file-size ratchet, templates, documented settings, import rules."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, meta

from tandem.config import Settings

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
ALLOWLIST = ROOT / "tests" / "size_allowlist.txt"


def _allowlist() -> dict[str, int]:
    if not ALLOWLIST.exists():
        return {}
    rows = [line.split() for line in ALLOWLIST.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {path: int(size) for path, size in rows}


def test_no_python_file_over_400_lines_unless_allowlisted_and_shrinking():
    allowed = _allowlist()
    too_long = []
    for path in sorted([*ROOT.glob("src/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("benchmarks/*.py")]):
        rel = str(path.relative_to(ROOT))
        if "/migrations/versions/" in rel:
            continue  # generated once, never edited
        lines = len(path.read_text().splitlines())
        if lines > allowed.get(rel, MAX_LINES):
            too_long.append(f"{rel}: {lines} lines")
    assert not too_long, "split these by noun (see docs/conventions.md): " + ", ".join(too_long)


def _template_dirs() -> list[Path]:
    return sorted(p for p in (ROOT / "src" / "tandem").glob("**/templates") if p.is_dir())


def test_every_template_compiles_and_pages_extend_base_with_a_title():
    env = Environment(loader=FileSystemLoader([str(d) for d in _template_dirs()]), autoescape=True)
    pages = []
    for folder in _template_dirs():
        for path in folder.glob("**/*.html"):
            name = str(path.relative_to(folder))
            source = path.read_text()
            env.parse(source)  # raises on a syntax error
            if Path(name).name.startswith("_") or name in ("base.html",):
                continue
            pages.append(name)
            assert "base.html" in meta.find_referenced_templates(env.parse(source)) or re.search(
                r'{%\s*extends\s+"base.html"', source), f"{name} does not extend base.html"
            assert "{% block title %}" in source, f"{name} has no title block"
    assert len(pages) >= 15


def test_no_inline_script_or_style_attribute_in_templates():
    """The Content-Security-Policy forbids both; they would silently not run."""
    for folder in _template_dirs():
        for path in folder.glob("**/*.html"):
            text = path.read_text()
            assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))[^>]*>', text), \
                f"inline <script> in {path}"
            assert " style=" not in text and "javascript:" not in text, f"inline style or js: URL in {path}"
            assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {path}"


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
        assert f"TANDEM_{name.upper()}" in doc, f"TANDEM_{name.upper()} is not in docs/configuration.md"


def test_static_assets_are_served_by_the_app_not_a_cdn():
    static = files("tandem.web") / "static"
    for name in ("app.css", "app.js"):
        text = (static / name).read_text()
        assert "http://" not in text and "https://" not in text
    for folder in _template_dirs():
        for path in folder.glob("**/*.html"):
            assert not re.search(r'(src|href)="https?://', path.read_text()), f"external asset in {path}"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_import_rules_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
