"""A version of the topics' meeting counts: it moves on only with the topics or with
which meetings are on which topic, at the commit of the write.

The topics list counts every topic family's meetings off the derived meeting-topic
table, seconds of work at 100,000 meetings, kept per version (readouts/caching.py).
Kept under the data version, which every write moves on, it was worked out again
after every save of any record (a meeting's title, a participant's name); kept
under this version, only after a write that can change a count: a topic added,
moved or removed, or a statement's topics, statement, readout or meeting that
changes the derived table (its own triggers write it, so a write that changes
nothing there moves nothing here).

Made as the data version is (migration 0013): on PostgreSQL a statement-level
trigger marks the writing transaction and a constraint trigger deferred to the
commit moves the version on, so the version never shows before the write does;
SQLite, with its one writer, moves it on row by row.
"""

from django.db import migrations

TABLES = ["readouts_topic", "readouts_meeting_topic"]

ADD = "ALTER TABLE readouts_data_version ADD COLUMN topics_version bigint NOT NULL DEFAULT 1"

POSTGRES = [
    ADD,
    "CREATE TABLE readouts_topics_change (txid bigint PRIMARY KEY)",
    # A statement that changed no row (the derived table's triggers run theirs for every
    # write they watch, most changing nothing) marks nothing.
    """
    CREATE FUNCTION readouts_topics_changed() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM changed) THEN
        INSERT INTO readouts_topics_change (txid) VALUES (txid_current())
        ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION readouts_topics_truncated() RETURNS trigger AS $$
    BEGIN
      INSERT INTO readouts_topics_change (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION readouts_topics_version_bump() RETURNS trigger AS $$
    BEGIN
      UPDATE readouts_data_version SET topics_version = topics_version + 1;
      DELETE FROM readouts_topics_change WHERE txid = NEW.txid;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER readouts_topics_version_bump AFTER INSERT
      ON readouts_topics_change DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION readouts_topics_version_bump()
    """,
    *(
        f"CREATE TRIGGER {table}_topics_changed_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {'OLD' if event == 'DELETE' else 'NEW'} TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION readouts_topics_changed()"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    *(
        f"CREATE TRIGGER {table}_topics_truncated AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION readouts_topics_truncated()"
        for table in TABLES
    ),
]
POSTGRES_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_topics_changed_{event.lower()} ON {table}"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    *(f"DROP TRIGGER IF EXISTS {table}_topics_truncated ON {table}" for table in TABLES),
    "DROP TABLE IF EXISTS readouts_topics_change",
    "DROP FUNCTION IF EXISTS readouts_topics_changed()",
    "DROP FUNCTION IF EXISTS readouts_topics_truncated()",
    "DROP FUNCTION IF EXISTS readouts_topics_version_bump()",
    "ALTER TABLE readouts_data_version DROP COLUMN topics_version",
]

SQLITE = [
    ADD,
    *(
        f"CREATE TRIGGER {table}_topics_changed_{event.lower()} AFTER {event} ON {table} "
        "FOR EACH ROW BEGIN "
        "UPDATE readouts_data_version SET topics_version = topics_version + 1; END"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_topics_changed_{event.lower()}"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    "ALTER TABLE readouts_data_version DROP COLUMN topics_version",
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
        ("readouts", "0020_meeting_size_table"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
