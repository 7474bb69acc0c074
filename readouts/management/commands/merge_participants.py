from readouts.management.merge_command import MergeCommand
from readouts.merging import merge_participants
from readouts.models import Participant


class Command(MergeCommand):
    help = (
        "Fold duplicate participants into one: their attendances and statements move to "
        "SURVIVOR, their names become its aliases and their slugs keep leading to it. "
        "Refused, with nothing changed, where two attend one meeting with different titles."
    )
    model = Participant
    merge = staticmethod(merge_participants)
