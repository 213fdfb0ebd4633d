"""Score a seeded random sample of the mutants (`make mutation-sample`), in about an hour.

`make mutation` tests every mutant of api/alerts, api/checkins and api/notifications (about
4,900: hours on two cores). This makes the same mutants (mutmut's own generation, from
[tool.mutmut] in pyproject.toml), draws `size` of them at random with a fixed seed, and
runs each one's tests: the tests mutmut's coverage pass found reaching the mutated function
(every parametrisation of them), with `pytest -x` in `mutants/` and `MUTANT_UNDER_TEST`
naming the mutant. A failing test kills it; a run past `TIMEOUT_S` counts as killed too (the
mutant made the tests hang). The share killed estimates the whole: at 100 mutants and a
score near 90 %, the 95 % interval is about ±6 points.

The mutants are run here rather than by `mutmut run` because mutmut's per-mutant CPU limit
(from its coverage pass's timings) misfires on this suite: it timed out mutants that only
change a message, whose tests pass in 15 s when run directly.

Usage: python scripts/mutation_sample.py [size|all] [seed]   (`make mutation` is `all`)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mutmut.__main__ import create_mutants, store_lines_covered_by_tests
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths
from mutmut.utils.format_utils import mangled_name_from_mutant_name

MUTANTS = Path("mutants")
STATS = MUTANTS / "mutmut-stats.json"
TIMEOUT_S = 600
MUTMUT = str(Path(sys.executable).with_name("mutmut"))


def all_mutant_names() -> list[str]:
    """Generate the mutants as `mutmut run` does, and list their names."""
    set_mutant_under_test("mutant_generation")
    MUTANTS.mkdir(exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    setup_source_paths()
    store_lines_covered_by_tests()
    create_mutants(os.cpu_count() or 2)
    names: list[str] = []
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        names += json.loads(meta.read_text())["exit_code_by_key"]
    return sorted(names)


def tests_by_function() -> dict[str, list[str]]:
    """Which tests reach which function: mutmut's coverage pass, run once if not yet run
    (by asking it to judge a single mutant, which is where it does that)."""
    if not STATS.exists():
        first = all_mutant_names()[0]
        subprocess.run([MUTMUT, "run", first], check=False)
    found = json.loads(STATS.read_text())["tests_by_mangled_function_name"]
    return {name: sorted({test.split("[")[0] for test in tests}) for name, tests in found.items()}


def judge(name: str, tests: list[str]) -> str:
    if not tests:
        return "no tests"
    scratch = Path(tempfile.gettempdir()) / f"afterline-mutant-{name}"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += [f"--basetemp={scratch}", *tests]
    env = {**os.environ, "MUTANT_UNDER_TEST": name}
    try:
        done = subprocess.run(
            command, cwd=MUTANTS, env=env, capture_output=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")


def main() -> int:
    wanted = sys.argv[1] if len(sys.argv) > 1 else "100"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    names = all_mutant_names()
    size = len(names) if wanted == "all" else min(int(wanted), len(names))
    # In random order: the verdicts so far are a random sample too, if the run is stopped.
    sample = random.Random(seed).sample(names, size)
    tests = tests_by_function()
    print(f"mutation sample: {len(sample)} of {len(names)} mutants (seed {seed})", flush=True)
    outcomes: Counter[str] = Counter()
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:  # each judge is its own process
        reached = [tests.get(mangled_name_from_mutant_name(name), []) for name in sample]
        results = pool.map(judge, sample, reached)
        for number, (name, outcome) in enumerate(zip(sample, results, strict=True), 1):
            outcomes[outcome] += 1
            print(f"{number:4}/{len(sample)} {outcome:9} {name}  ({summary(outcomes)})", flush=True)
    print(f"mutation score: {summary(outcomes)}")
    return 1 if any(outcome.startswith("error") for outcome in outcomes) else 0


def summary(outcomes: Counter[str]) -> str:
    """Killed (timeouts included) over judged; survivors and mutants no test reaches count
    against; errors (the tests could not run) are not counted."""
    killed = outcomes["killed"] + outcomes["timeout"]
    judged = killed + outcomes["survived"] + outcomes["no tests"]
    errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("error"))
    score = 100 * killed / judged if judged else 0.0
    return (
        f"{killed}/{judged} killed = {score:.1f} %; survived {outcomes['survived']}, "
        f"no tests {outcomes['no tests']}, timeouts {outcomes['timeout']}, errors {errors}"
    )


if __name__ == "__main__":
    sys.exit(main())
