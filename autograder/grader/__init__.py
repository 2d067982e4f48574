"""The batch grader: ``python -m autograder grade SUBMISSIONS --out OUT``.

Student code is untrusted. The pipeline splits trusted from untrusted work:

    plan.py        trusted, once per assignment: grade cells parsed from the source notebook,
                   cases drawn with seeds derived from a secret in OUT (or, with --seeds
                   notebook, the grade cells' own seeds), expected values from the reference
                   module (LiveOracle)
    discover.py    SUBMISSIONS/<student>/<slug>/: one task per folder, one row per layout problem
    notebook.py    reads a submitted notebook defensively; keeps its code cells, drops its
                   test cells (the tests always come from the source)
    submission.py  one submission: prepare (read) -> run_submission (sandbox, reruns; plain
                   values out) -> judge_submission (judge.py: verdicts, score) -> an Outcome
    preparing.py   trusted: a large batch's submissions prepared ahead in processes of its own
    job.py         job.json, the one message from the grader to the probe
    limits.py      every limit, defined once (Limits)
    sandbox.py     bubblewrap + resource limits + wall clock around probe.py
    cgroup.py      caps on one sandbox as a whole (memory, processes, CPU)
    probe.py       INSIDE the sandbox: runs the code cells, calls check.run on the planned
                   inputs, writes plain JSON values; decides nothing
    batch.py       the folder: the runner interface (local process pool), progress, resuming
    outcomes.py    the Outcome record, saved to OUT/outcomes/ as soon as it is known
    feedback.py    what students read: the error table, hidden-case messages, the findings table
    report.py      grades.csv, feedback HTML, logs, summary: derived from the saved outcomes
    gradebook.py   nbgrader's gradebook, also from the outcomes
    nbgrader_execute.py
                   nbgrader's autograde step (the Formgrader's Autograde button) done by this
                   grader: one submission of a course directory, in the sandbox, its outcome saved
"""
