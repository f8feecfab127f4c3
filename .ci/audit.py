"""pip-audit on requirements/lock.txt, read honestly.

pip-audit asks PyPI's JSON API for each pinned package's known vulnerabilities. When that
API cannot be reached (no network, a mirror without it), pip-audit skips each package
("not found on PyPI") and still says "No known vulnerabilities found". This script tells
the three outcomes apart and says which it was:

- vulnerabilities found: listed, exit 1 (CI fails);
- audited, none found: exit 0;
- not audited (the API answered for no package, or pip-audit could not run): a loud
  NOT AUDITED notice, exit 0 by default, or 1 with --strict (a CI that must audit).
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"


def verdict(report: dict) -> tuple[str, list[str]]:
    """("vulnerable" | "clean" | "not-audited", lines to print) from pip-audit's JSON."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    found = [(d, v) for d in audited for v in d.get("vulns", [])]
    if found:
        return "vulnerable", [f"pip-audit: {d['name']} {d.get('version', '')}: {v['id']} "
                              f"(fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})" for d, v in found]
    if not audited:
        return "not-audited", [f"pip-audit: NOT AUDITED: PyPI's vulnerability API answered for none of "
                               f"{len(dependencies)} packages (unreachable from here?); e.g. "
                               f"{skipped[0]['skip_reason'] if skipped else 'no dependency listed'}"]
    lines = [f"pip-audit: {len(audited)} packages audited, no known vulnerability"]
    if skipped:
        lines.append(f"pip-audit: {len(skipped)} not audited: " + ", ".join(d["name"] for d in skipped))
    return "clean", lines


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    run = subprocess.run([sys.executable, "-m", "pip_audit", "--disable-pip", "-r", str(LOCK), "--format", "json",
                          "--progress-spinner", "off"], capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit: NOT AUDITED: pip-audit failed ({run.returncode}): {run.stderr.strip()[-500:]}")
        return 1 if strict else 0
    outcome, lines = verdict(report)
    print("\n".join(lines))
    return {"vulnerable": 1, "clean": 0, "not-audited": 1 if strict else 0}[outcome]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
