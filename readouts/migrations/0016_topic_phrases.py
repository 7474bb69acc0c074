"""Topics keep the phrases that suggest them (the importer's topic vocabulary is data).

The column is added in place, never by rebuilding the table: on SQLite, Django adds
a NOT NULL column by copying the table into a new one, which would drop the
table's triggers (the data version's, migration 0013) with the old table.
"""

from django.db import migrations, models

HELP = (
    "Words and phrases that suggest this topic when a readout is imported, one per line "
    "(fentanyl, synthetic drugs). The name counts too. A phrase of three letters or fewer "
    "(AI, G7) is matched only as written; longer ones in any case."
)


def add_column(apps, schema_editor) -> None:
    schema_editor.execute(
        "ALTER TABLE readouts_topic ADD COLUMN phrases text NOT NULL DEFAULT ''", params=None
    )
    if schema_editor.connection.vendor == "postgresql":
        # As Django would leave it; SQLite cannot drop a default, and it does no harm there.
        schema_editor.execute(
            "ALTER TABLE readouts_topic ALTER COLUMN phrases DROP DEFAULT", params=None
        )


def drop_column(apps, schema_editor) -> None:
    schema_editor.execute("ALTER TABLE readouts_topic DROP COLUMN phrases", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0015_speakers_attend_locks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="topic",
                    name="phrases",
                    field=models.TextField(blank=True, help_text=HELP),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column, elidable=False)],
        ),
    ]
