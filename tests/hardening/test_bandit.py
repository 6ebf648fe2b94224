"""The static security scan: bandit over src/ with the project's settings finds nothing, and every
``# nosec`` names the test it silences and says why."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
EXPLAINED = re.compile(r"^\s*:?\s*B\d{3}(\s*,\s*B\d{3})*\s+#\s*\S.{5,}")


def test_bandit_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", "src", "-q", "-f", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert not findings, "bandit findings (fix them, or add `# nosec BXXX  # why`):\n" + "\n".join(findings)
    assert not report["errors"], report["errors"]


def test_every_nosec_names_its_test_and_reason():
    bare = []
    for path in (ROOT / "src").rglob("*.py"):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            found = NOSEC.search(line)
            if found and not EXPLAINED.match(found["rest"]):
                bare.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bare, bare
