"""Indexes along the path from a topic to its meetings.

A topic's meetings are the meetings of its statements' readouts. Counting them
month by month reads every link of the topic's family (up to ~150,000 at a
million statements); with these indexes each step reads an index alone, not
the links', statements' and readouts' rows. The links table is made by the
many-to-many field, so its index is written out here.
"""

from django.db import migrations, models

LINKS = "readouts_statement_topics"
CREATE = f"CREATE INDEX statement_topics_topic_statement_idx ON {LINKS} (topic_id, statement_id)"
DROP = "DROP INDEX statement_topics_topic_statement_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0007_meeting_title_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="readout",
            index=models.Index(fields=["id", "meeting"], name="readout_id_meeting_idx"),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["id", "readout"], name="statement_id_readout_idx"),
        ),
        migrations.RunSQL(CREATE, DROP, elidable=False),
    ]
