"""The share of mutants the suite killed, from mutmut's results (`make mutation`).

Reads the `mutants/**/*.meta` files mutmut writes (one per mutated module) and sorts each
mutant by mutmut's own status names. Killed counts mutants that failed a test or ran out of
time; survivors, mutants no test reaches ("no tests") and suspicious ones count against the
score; skipped and not-yet-checked ones are left out (the line says how many). Prints the
share per module too, and exits 1 below the floor given as the first argument (default 0).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
LEFT_OUT = {"skipped", "not checked", "check was interrupted by user"}


def counts(meta: Path) -> Counter[str]:
    codes = json.loads(meta.read_text())["exit_code_by_key"].values()
    return Counter(status_by_exit_code[code] for code in codes)


def share(found: Counter[str]) -> tuple[int, int]:
    killed = sum(found[status] for status in KILLED)
    judged = sum(n for status, n in found.items() if status not in LEFT_OUT)
    return killed, judged


def main() -> int:
    floor = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    total: Counter[str] = Counter()
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        found = counts(meta)
        total += found
        killed, judged = share(found)
        if judged:
            module = meta.relative_to(MUTANTS).as_posix().removesuffix(".meta")
            print(f"  {module:42} {killed:4}/{judged:<4} {100 * killed / judged:5.1f} %")
    killed, judged = share(total)
    score = 100.0 * killed / judged if judged else 0.0
    print(
        f"mutation score: {killed}/{judged} killed = {score:.1f} % (survived "
        f"{total['survived']}, no tests {total['no tests']}, suspicious {total['suspicious']}; "
        f"not counted: skipped {total['skipped']}, not checked {total['not checked']})"
    )
    return 0 if score >= floor else 1


if __name__ == "__main__":
    sys.exit(main())
