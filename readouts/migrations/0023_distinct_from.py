"""Participants and topics keep the records a curator has checked are not the same, so
the likely duplicates leave those pairs out.

The columns are added in place, never by rebuilding the tables: on SQLite, Django adds
a NOT NULL column by copying the table into a new one, which would drop the tables'
triggers (the data version's, migration 0013) with the old table.
"""

from django.db import migrations

import readouts.models

TABLES = {"participant": "readouts_participant", "topic": "readouts_topic"}


def add_columns(apps, schema_editor) -> None:
    for table in TABLES.values():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN distinct_from text NOT NULL DEFAULT ''", params=None
        )
        if schema_editor.connection.vendor == "postgresql":
            # As Django would leave it; SQLite cannot drop a default, and it does no harm.
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN distinct_from DROP DEFAULT", params=None
            )


def drop_columns(apps, schema_editor) -> None:
    for table in TABLES.values():
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN distinct_from", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0022_meeting_topic_families"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="participant",
                    name="distinct_from",
                    field=readouts.models.distinct_field("participants"),
                ),
                migrations.AddField(
                    model_name="topic",
                    name="distinct_from",
                    field=readouts.models.distinct_field("topics"),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns, elidable=False)],
        ),
    ]
