"""The batch grader: ``python -m autograder grade SUBMISSIONS --out OUT``.

Student code is untrusted. The pipeline splits trusted from untrusted work:

    plan.py        trusted, once per assignment: grade cells parsed from the source notebook,
                   cases drawn with seeds derived from a secret in OUT (or, with --seeds
                   notebook, the grade cells' own seeds), expected values from the reference
                   module (LiveOracle)
    notebook.py    reads a submitted notebook defensively; keeps its code cells, drops its
                   test cells (the tests always come from the source)
    sandbox.py     bubblewrap + resource limits + wall clock around probe.py
    probe.py       INSIDE the sandbox: runs the code cells, calls check.run on the planned
                   inputs, writes plain JSON values; decides nothing
    submission.py  one submission: run (and rerun past a crash), decode, judge, score
    batch.py       the folder: discovery, process pool, progress bar
    report.py      grades.csv, feedback HTML, logs, summary
    gradebook.py   nbgrader's gradebook (nbgrader imported while the workers grade)
    corpus/        the adversarial corpus and its table (python -m autograder.grader.corpus)
"""
