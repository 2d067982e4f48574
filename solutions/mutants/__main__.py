"""Print the mutation-testing summary: functions, mutants, killed."""
import sys
from collections import defaultdict

from solutions.mutants import run_all

outcomes = run_all()
by_check = defaultdict(list)
for o in outcomes:
    by_check[(o.slug, o.check)].append(o)
print(f"{'chapter':<18} {'check':<36} {'mutants':>7} {'killed':>6}")
for (slug, check), rows in by_check.items():
    print(f"{slug:<18} {check:<36} {len(rows):>7} {sum(o.killed for o in rows):>6}")
    for o in rows:
        if not o.killed:
            print(f"    SURVIVED: {o.mutant} ({o.earned:g}/{o.points:g}, named {sorted(o.diagnoses)}, "
                  f"expected {o.expected_diagnosis})")
killed = sum(o.killed for o in outcomes)
print(f"\n{len(by_check)} functions, {len(outcomes)} mutants, {killed} killed")
sys.exit(0 if killed == len(outcomes) else 1)
