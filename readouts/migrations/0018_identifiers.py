"""Participants and publishers carry identifiers: a Wikidata ID, and others as Popolo's
`identifiers` list.

The columns are added in place, never by rebuilding the tables: on SQLite, Django adds
a NOT NULL column by copying the table into a new one, which would drop the tables'
triggers (the data version's, migration 0013; the speaker rule's, 0010) with the old
table.
"""

from django.db import migrations, models

import readouts.models

TABLES = ("readouts_participant", "readouts_publisher")


def add_columns(apps, schema_editor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    json_type = "jsonb" if postgres else "text"
    # As Django declares a JSONField on SQLite: the text must be JSON.
    valid = "" if postgres else ' CHECK ((JSON_VALID("identifiers") OR "identifiers" IS NULL))'
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN wikidata varchar(20) NOT NULL DEFAULT ''",
            params=None,
        )
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN identifiers {json_type} NOT NULL "
            f"DEFAULT '[]'{valid}",
            params=None,
        )
        if postgres:
            # As Django would leave them; SQLite cannot drop a default, and it does no harm.
            for column in ("wikidata", "identifiers"):
                schema_editor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT", params=None
                )


def drop_columns(apps, schema_editor) -> None:
    for table in TABLES:
        for column in ("wikidata", "identifiers"):
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}", params=None)


def fields() -> list[tuple[str, models.Field]]:
    return [
        (
            "wikidata",
            models.CharField(
                blank=True,
                help_text="The Wikidata item, such as Q22686.",
                max_length=20,
                validators=[readouts.models.valid_qid],
                verbose_name="Wikidata ID",
            ),
        ),
        (
            "identifiers",
            models.JSONField(
                blank=True,
                default=list,
                help_text='Identifiers in other schemes, as a list: [{"scheme": "viaf", '
                '"identifier": "12345"}].',
                validators=[readouts.models.valid_identifiers],
                verbose_name="other identifiers",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0017_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name=model, name=name, field=field)
                for model in ("participant", "publisher")
                for name, field in fields()
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns, elidable=False)],
        ),
        # An index is created beside the table, which keeps its triggers.
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["wikidata"], name="participant_wikidata_idx"),
        ),
    ]
