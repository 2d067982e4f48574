"""nbgrader's view of this repository: solutions/ is the source step, exercises/ the release step.

Reference modules (solutions/<slug>.py) and mutant catalogues sit beside the assignment folders,
not inside them, so nbgrader never copies them into a release.
"""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = os.environ.get("NBGRADER_DB_URL", "sqlite:///gradebook.db")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.enforce_metadata = True
