"""Run every benchmark in turn (`make bench`): each prints its own figures and saves them in bench/results/.

    load.py         timeline and check-in creation under gunicorn, against a hello-world baseline (needs wrk)
    mixed.py        1,000 members' mix of reads, check-ins and replies on SQLite and PostgreSQL, against hello (wrk)
    inprocess.py    the same pages called straight into the app: its own share of their time
    page_weight.py  the check-in page's first-load bytes and the repeat visit, in Chromium
    push_fanout.py  10,000 due nudges to a local push sink, against a sequential pywebpush loop
    matching.py     one member's peer suggestions among 10,000 opted-in members

Run them on a quiet machine: other load skews every figure (the scripts compare against baselines measured
in the same run for that reason). Each script takes its own options (`--help`).
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("load.py", "mixed.py", "inprocess.py", "page_weight.py", "push_fanout.py", "matching.py")


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"\n=== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nmissed a target or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
