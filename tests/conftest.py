import pytest

from readouts.loading import load

from .factories import SEED


@pytest.fixture
def seeded(db):
    """The founding readout, loaded."""
    return load([SEED])
