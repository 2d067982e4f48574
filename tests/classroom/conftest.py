"""The classroom tests import their helpers (classroom_deployment.py) from this folder."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
