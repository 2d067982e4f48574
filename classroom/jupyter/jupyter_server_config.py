"""Everyone's Jupyter server: no calls to the internet (JupyterLab's news and update checks)."""
c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file

c.LabApp.news_url = None
c.LabServerApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
