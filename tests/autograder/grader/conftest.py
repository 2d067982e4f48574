"""The grader's tests import their helpers from tests/autograder/fixtures/grader_helpers.py."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from grader_helpers import demo_assignment  # noqa: E402


@pytest.fixture
def demo():
    return demo_assignment()
