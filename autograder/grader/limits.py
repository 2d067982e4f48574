"""Every limit of grading, defined once (standard library only: imported inside the sandbox too).

    Limits(...)        the per-batch limits (fields; the CLI sets ``timeout``)
    Limits.NAME        limits that are the same for every batch (class constants)

Where each is enforced: the fields by sandbox.py (wall clock, rlimits, cgroups), probe.py (the
time shares, through job.json) and submission.py (reruns); the constants by notebook.py (what a
submitted notebook may hold), submission.py (what is copied and kept), checks/base.py (what a
student's output may hold) and batch.py (workers, threads).
"""
import os
from dataclasses import dataclass


@dataclass
class Limits:
    # ---- the same for every batch
    BLAS_THREADS = "1"              # OPENBLAS/OMP/MKL threads of the grader, workers and sandboxes
    WORKERS = os.cpu_count() or 1   # default number of notebooks graded at once
    RUNS = 3                        # runs of one submission (reruns skip what stopped the last one)
    NOTEBOOK_BYTES = 32 << 20       # a submitted notebook file
    CELLS = 5000                    # cells of a submitted notebook
    CODE_BYTES = 4 << 20            # code in a submitted notebook
    FOLDER_COPY = 16 << 20          # a submission folder's files copied into the sandbox
    TEXT = 400                      # characters kept of a message from student code
    CONVERT_SECONDS = 30.0          # converting an nbformat 3 notebook (in a child process)
    CONVERT_MEMORY = 1 << 30
    OUTPUT_ELEMENTS = 2_000_000     # largest array a student's output may hold
    OUTPUT_DEPTH = 20               # deepest nesting of lists/dicts in a student's output
    CELLS_SHARE = 0.45              # of the wall clock: the cells run until this share of it,
    TESTS_SHARE = 0.85              # the tests until this one,
    CASE_RESERVE = 0.2              # leaving this many seconds for each case still to run

    # ---- per batch
    timeout: float = 60.0           # wall clock per run, seconds
    memory: int = 2 << 30           # bytes: address space of each process, and (with cgroups)
                                    # all memory of one sandbox together
    nproc: int = 256                # processes and threads (per sandbox with cgroups)
    output: int = 1 << 20           # captured stdout+stderr kept, bytes (the rest is drained)
    results: int = 16 << 20         # result records kept, bytes
    tmpfs: int = 64 << 20           # size of /tmp and of the working directory
    fsize: int = 64 << 20           # largest file a sandboxed process may write
    uid_base: int = 62000           # run as root: the sandbox of worker slot i runs as uid_base + i

    @property
    def cpu(self):
        return int(self.timeout) + 5
