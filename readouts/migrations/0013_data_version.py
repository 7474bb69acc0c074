"""A data version that every write to the curated records moves on, at its commit.

Public pages are the same for every anonymous reader until the data changes: they
are cached, and revalidated, by this number (readouts/caching.py). It must move
on with every write, on every path (the admin, the loader's COPY, loaddata, the
shell), and become visible together with the write, never before: a reader who
saw the new number before the data would cache the old page under it.

PostgreSQL: a statement-level trigger on each curated table marks the writing
transaction once (a row keyed by its transaction id), and a constraint trigger
deferred to the commit moves the version on and removes the mark. The version's
row is locked only while a transaction commits, so writers do not wait for one
another's whole transactions. SQLite has one writer at a time: a row trigger
moves the version on with each write.
"""

from django.db import migrations

TABLES = [
    "readouts_topic",
    "readouts_publisher",
    "readouts_participant",
    "readouts_meeting",
    "readouts_attendance",
    "readouts_readout",
    "readouts_statement",
    "readouts_statement_topics",
]

CREATE = [
    """
    CREATE TABLE readouts_data_version (
      id integer PRIMARY KEY CHECK (id = 1),
      version bigint NOT NULL,
      changed_at timestamp NOT NULL
    )
    """,
    "INSERT INTO readouts_data_version (id, version, changed_at) VALUES (1, 1, CURRENT_TIMESTAMP)",
]

POSTGRES = [
    *CREATE,
    "CREATE TABLE readouts_data_change (txid bigint PRIMARY KEY)",
    """
    CREATE FUNCTION readouts_data_changed() RETURNS trigger AS $$
    BEGIN
      INSERT INTO readouts_data_change (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION readouts_data_version_bump() RETURNS trigger AS $$
    BEGIN
      UPDATE readouts_data_version
         SET version = version + 1, changed_at = clock_timestamp() AT TIME ZONE 'UTC';
      DELETE FROM readouts_data_change WHERE txid = NEW.txid;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER readouts_data_version_bump AFTER INSERT ON readouts_data_change
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION readouts_data_version_bump()
    """,
    *(
        f"CREATE TRIGGER {table}_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION readouts_data_changed()"
        for table in TABLES
    ),
]
POSTGRES_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_data_changed ON {table}" for table in TABLES),
    "DROP TABLE IF EXISTS readouts_data_change",
    "DROP TABLE IF EXISTS readouts_data_version",
    "DROP FUNCTION IF EXISTS readouts_data_changed()",
    "DROP FUNCTION IF EXISTS readouts_data_version_bump()",
]

BUMP = (
    "UPDATE readouts_data_version SET version = version + 1, changed_at = CURRENT_TIMESTAMP;"
)
SQLITE = [
    *CREATE,
    *(
        f"CREATE TRIGGER {table}_data_changed_{event.lower()} AFTER {event} ON {table} "
        f"FOR EACH ROW BEGIN {BUMP} END"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_data_changed_{event.lower()}"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    "DROP TABLE IF EXISTS readouts_data_version",
]


def create(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES, "sqlite": SQLITE}[vendor]:
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}[vendor]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0012_meeting_topic"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
