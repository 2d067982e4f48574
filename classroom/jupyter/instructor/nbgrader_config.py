"""The instructor's nbgrader: where the course directory is (the Formgrader and the nbgrader
commands work on it), how assignments are made from the source notebooks, and how they are
autograded (in the grader's sandbox)."""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = os.environ.get("CLASSROOM_COURSE_DIR", os.path.expanduser("~/circuits"))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True

# Autograde (the Formgrader's button, `nbgrader autograde`) grades in the grader's sandbox, as
# `python -m autograder grade --course` does: the grader takes the place of nbgrader's Execute,
# which would run each student's notebook as you, unconfined. The other steps are nbgrader's.
c.Autograde.autograde_preprocessors = [
    "autograder.grader.nbgrader_execute.SandboxedGrade",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
