"""A full-text index on meeting titles, on PostgreSQL.

Meeting search matches titles by their words, as it matches readouts; with this
index a word is found without reading every title.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX meeting_title_search_gin ON readouts_meeting "
    "USING gin (to_tsvector('english'::regconfig, title))"
)
DROP = "DROP INDEX IF EXISTS meeting_title_search_gin"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0006_readout_title_search_index"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False),
    ]
