"""Run every bench/bench_*.py script in turn and print their figures (make bench).

Each script prints its own measurements; this runner only sequences them and reports which
database was used. Set DATABASE_URL=postgres://… to measure on PostgreSQL.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("No hay scripts de medición en bench/.")
        return 1
    base = os.environ.get("DATABASE_URL") or "SQLite (var/poa.sqlite3)"
    print(f"Base de datos: {base.split('@')[-1]}")
    failed = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        if result.returncode != 0:
            failed += 1
            print(f"{script.name} terminó con estado {result.returncode}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
