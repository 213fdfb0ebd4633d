"""Test a seeded random sample of the mutants (`make mutation-sample`), for a score in an hour.

`make mutation` tests every mutant of api/alerts, api/checkins and api/notifications (about
4,900: hours on two cores). This makes the same mutants the same way (mutmut's own
generation, from [tool.mutmut] in pyproject.toml), draws `size` of them at random with a fixed
seed, and runs `mutmut run` on those names only. `scripts/mutation_score.py` then scores what
was tested; the untested rest shows as "not checked" and is left out of the share. The share
of a random sample estimates the whole: with 200 mutants and a score near 90 %, the 95 %
interval is about ±4 points.

Usage: python scripts/mutation_sample.py [size] [seed]
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from mutmut.__main__ import create_mutants, store_lines_covered_by_tests
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths

MUTANTS = Path("mutants")


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


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    names = all_mutant_names()
    sample = sorted(random.Random(seed).sample(names, min(size, len(names))))
    print(f"mutation sample: {len(sample)} of {len(names)} mutants (seed {seed})", flush=True)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    os.execv(mutmut, [mutmut, "run", *sample])


if __name__ == "__main__":
    sys.exit(main())
