"""An index on the title part of a readout's search vector (weight A), on PostgreSQL.

Statement search also matches readouts by title: with this index the titles
are found without reading every readout's vector.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX readout_title_search_gin ON readouts_readout "
    "USING gin (ts_filter(search_vector, '{a}'))"
)
DROP = "DROP INDEX IF EXISTS readout_title_search_gin"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0005_readout_published_index"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False),
    ]
