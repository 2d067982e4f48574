"""nbgrader settings of everyone in the course: its id and the exchange folder through which
assignments, submissions and feedback travel. The exchange is created by root (mode 1777) and
the course's folder inside it by the instructor (see README, "Running a class")."""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = os.environ.get("CLASSROOM_COURSE_ID", "circuits")
c.Exchange.root = os.environ.get("CLASSROOM_EXCHANGE", "/srv/nbgrader/exchange")
