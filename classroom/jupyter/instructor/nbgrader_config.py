"""The instructor's nbgrader: where the course directory is (the Formgrader and the nbgrader
commands work on it), and how assignments are made from the source notebooks."""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = os.environ.get("CLASSROOM_COURSE_DIR", os.path.expanduser("~/circuits"))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True
