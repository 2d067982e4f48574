"""JupyterHub for one course on one machine.

Everyone logs in with a local Linux account (checked by PAM). The instructor and the members of
the students' group may log in; each gets JupyterLab, started as their own user, with nbgrader's
Assignments panel; the instructor also gets the Formgrader. Start it as root (it switches to each
user to start their server):

    sudo .venv/bin/jupyterhub -f classroom/jupyterhub_config.py

Edit the values below, or set the CLASSROOM_* environment variables when starting the hub.
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
COURSE_ID = os.environ.get("CLASSROOM_COURSE_ID", "circuits")
INSTRUCTOR = os.environ.get("CLASSROOM_INSTRUCTOR", "instructor")     # a Linux user name
STUDENTS_GROUP = os.environ.get("CLASSROOM_GROUP", "students")       # Linux group of the students
COURSE_DIR = os.environ.get("CLASSROOM_COURSE_DIR", f"/home/{INSTRUCTOR}/{COURSE_ID}")
EXCHANGE = os.environ.get("CLASSROOM_EXCHANGE", "/srv/nbgrader/exchange")
STATE = os.environ.get("CLASSROOM_STATE", "/srv/jupyterhub")          # hub database, cookie secret
PORT = int(os.environ.get("CLASSROOM_PORT", "8000"))                 # uses PORT, PORT+1, PORT+2

# -- network: everything listens on this machine only. For a class over the network, put a
#    web server with TLS in front of 127.0.0.1:PORT (or set ip and ssl_cert/ssl_key here).
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 2
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 1}"
# The proxy is configurable-http-proxy, pinned in classroom/proxy (installed by .ci/install).
c.ConfigurableHTTPProxy.command = [str(HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")

# -- who may log in: local accounts, passwords checked by PAM (the default authenticator).
c.Authenticator.allowed_users = {INSTRUCTOR}
c.PAMAuthenticator.allowed_groups = {STUDENTS_GROUP}
c.Authenticator.admin_users = {INSTRUCTOR}

# -- each user's server: JupyterLab from this virtual environment, started as that user in
#    their home folder. JUPYTER_CONFIG_PATH hands it the course's settings (classroom/jupyter/)
#    and those of its role: the instructor's names the course directory (Formgrader), the
#    students' turns the Formgrader off.
BIN = Path(sys.executable).parent
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120


def config_path(spawner):
    role = "instructor" if spawner.user.name == INSTRUCTOR else "student"
    return os.pathsep.join([str(HERE / "jupyter" / role), str(HERE / "jupyter")])


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": config_path,
    "PATH": os.pathsep.join([str(BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    "CLASSROOM_COURSE_ID": COURSE_ID,
    "CLASSROOM_COURSE_DIR": COURSE_DIR,
    "CLASSROOM_EXCHANGE": EXCHANGE,
}
