"""Stored full-text search vectors, kept current by PostgreSQL triggers and GIN-indexed.

On SQLite the columns stay empty: search falls back to substring matching.
"""

import django.contrib.postgres.search
from django.db import migrations

# A statement is searched by its text; a readout by its title first, then its body.
POSTGRES_SQL = """
CREATE FUNCTION readouts_statement_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector := to_tsvector('pg_catalog.english', coalesce(NEW.text, ''));
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER readouts_statement_search_vector
  BEFORE INSERT OR UPDATE OF text ON readouts_statement
  FOR EACH ROW EXECUTE FUNCTION readouts_statement_search_vector();

CREATE FUNCTION readouts_readout_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'B');
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER readouts_readout_search_vector
  BEFORE INSERT OR UPDATE OF title, body ON readouts_readout
  FOR EACH ROW EXECUTE FUNCTION readouts_readout_search_vector();

UPDATE readouts_statement SET text = text;
UPDATE readouts_readout SET title = title;

CREATE INDEX readouts_statement_search_gin ON readouts_statement USING gin (search_vector);
CREATE INDEX readouts_readout_search_gin ON readouts_readout USING gin (search_vector);
"""

POSTGRES_REVERSE_SQL = """
DROP INDEX IF EXISTS readouts_readout_search_gin;
DROP INDEX IF EXISTS readouts_statement_search_gin;
DROP TRIGGER IF EXISTS readouts_readout_search_vector ON readouts_readout;
DROP TRIGGER IF EXISTS readouts_statement_search_vector ON readouts_statement;
DROP FUNCTION IF EXISTS readouts_readout_search_vector();
DROP FUNCTION IF EXISTS readouts_statement_search_vector();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="readout",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunPython(
            on_postgresql(POSTGRES_SQL), on_postgresql(POSTGRES_REVERSE_SQL), elidable=False
        ),
    ]
