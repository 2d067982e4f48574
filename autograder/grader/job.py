"""job.json: what the grader tells the probe, defined once (written by the grader, read by
probe.py inside the sandbox).

    Job(...)                 the fields below, all plain JSON values
    job.write(job_dir)       JOB_DIR/job.json, world-readable (the sandbox user reads it)
    Job.read(job_dir) -> Job

``tests`` is [{"module", "check", "objects", "cases"}] with each case's inputs as JSON data
(base.encode). ``launched`` is the grader's CLOCK_MONOTONIC when it started the run.
A self-test job (``selftest``) asks the probe what it can see instead of grading.
Light (standard library and limits.py): the probe imports it before anything else.
"""
import json
import os
from dataclasses import asdict, dataclass, field, fields

from autograder.grader.limits import Limits

FILE = "job.json"


@dataclass
class Job:
    sys_path: list
    cells: list = field(default_factory=list)        # the student's code cells, in order
    tests: list = field(default_factory=list)
    timeout: float = 60.0
    sandboxed: bool = False                          # True only inside bubblewrap's pid namespace
    skip_cells: list = field(default_factory=list)   # cell indices a rerun leaves out
    skip_cases: list = field(default_factory=list)   # [test, case] pairs a rerun leaves out
    launched: float | None = None
    shares: list = field(default_factory=lambda: [Limits.CELLS_SHARE, Limits.TESTS_SHARE, Limits.CASE_RESERVE])
    text: int = Limits.TEXT                          # characters kept of a message from student code
    selftest: bool = False
    forbidden: list = field(default_factory=list)    # self-test: paths that must be invisible
    grader_root: str = ""                            # self-test: must not be writable

    def write(self, job_dir):
        path = os.path.join(job_dir, FILE)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)
        os.chmod(path, 0o644)

    @classmethod
    def read(cls, job_dir):
        with open(os.path.join(job_dir, FILE), encoding="utf-8") as fh:
            data = json.load(fh)
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
