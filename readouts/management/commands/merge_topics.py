from readouts.management.merge_command import MergeCommand
from readouts.merging import merge_topics
from readouts.models import Topic


class Command(MergeCommand):
    help = (
        "Fold duplicate topics into one: their statements and subtopics move to SURVIVOR "
        "and their slugs keep leading to it. Refused, with nothing changed, where the tree "
        "would get a cycle."
    )
    model = Topic
    merge = staticmethod(merge_topics)
