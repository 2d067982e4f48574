"""The instructor's Jupyter server: JupyterLab shows the Formgrader in a frame of its own page.
JupyterHub forbids framing a user's pages by default; this allows it for pages of the same
origin (the hub's), which the Formgrader needs."""
c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file

c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
