"""Former slugs: a duplicate merged into a participant or topic keeps its slug leading there.

SQLite cannot add a NOT NULL column through Django's AddField without rebuilding
the table, which would drop the triggers on it (the data version's, migration
0013). It takes the column with ALTER TABLE and a default instead; PostgreSQL
adds it as Django does.
"""

from django.db import migrations, models

HELP = "Slugs of duplicates merged into this one, one per line: they still lead here."
TABLES = {"participant": "readouts_participant", "topic": "readouts_topic"}


def field() -> models.TextField:
    return models.TextField(blank=True, editable=False, help_text=HELP)


def add(apps, schema_editor) -> None:
    for model_name, table in TABLES.items():
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN former_slugs text NOT NULL DEFAULT ''"
            )
        else:
            schema_editor.add_field(*_field_of(apps, model_name))


def _field_of(apps, model_name: str) -> tuple:
    # These operations run against the state before the field is added (below, beside).
    model = apps.get_model("readouts", model_name)
    added = field()
    added.contribute_to_class(model, "former_slugs")
    return model, added


def remove(apps, schema_editor) -> None:
    for model_name, table in TABLES.items():
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN former_slugs")
        else:
            schema_editor.remove_field(*_field_of(apps, model_name))


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0013_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="participant", name="former_slugs", field=field()),
                migrations.AddField(model_name="topic", name="former_slugs", field=field()),
            ],
            database_operations=[migrations.RunPython(add, remove, elidable=False)],
        )
    ]
