"""Which meetings have a statement on which topic, and in which month: a derived table.

A meeting's topics are the topics of its statements, curated there. Counting a
topic's meetings month by month from the statements read every statement–topic
link of the topic's family (150,000 for a root topic at a million statements),
on every request. This table stores the answer, one row per topic and meeting
(with the meeting's month and how many of its statement–topic links name the
topic), and is never edited by hand: database triggers keep it current in the
same transaction as whatever changes the links, the statements, the readouts or
the meetings, whatever path writes (a page, the loader, loaddata, the shell).

Each trigger recomputes the rows of the meetings a write touches from what is
stored then, so the order of the writes inside a transaction does not matter (a
meeting's rows go when its links, statements, readouts or the meeting itself go,
in any order). PostgreSQL runs one recomputation per statement, with the rows it
changed as transition tables, so a load of a hundred thousand meetings costs one
grouped insert; SQLite runs them row by row. `manage.py derived_tables` compares
the table with the derivation, and `--rebuild` remakes it.
"""

from django.db import migrations, models

TABLE = "readouts_meeting_topic"

# The rows of some meetings, as their statements' topic links say now.
DERIVATION = """
SELECT l.topic_id, r.meeting_id, {month} AS month, COUNT(*) AS links
  FROM readouts_statement_topics l
  JOIN readouts_statement s ON s.id = l.statement_id
  JOIN readouts_readout r ON r.id = s.readout_id
  JOIN readouts_meeting m ON m.id = r.meeting_id
 WHERE {meetings}
 GROUP BY l.topic_id, r.meeting_id, {month}
"""
PG_MONTH = "DATE_TRUNC('month', m.date::timestamp)::date"
SQLITE_MONTH = "date(m.date, 'start of month')"

CREATE_TABLE = f"""
CREATE TABLE {TABLE} (
  topic_id bigint NOT NULL,
  meeting_id bigint NOT NULL,
  month date NOT NULL,
  links integer NOT NULL,
  PRIMARY KEY (topic_id, meeting_id)
)
"""
INDEXES = [
    # A topic family's meetings month by month, read off the index alone.
    f"CREATE INDEX readouts_meeting_topic_month ON {TABLE} (topic_id, month, meeting_id)",
    # A meeting's rows, to recompute them.
    f"CREATE INDEX readouts_meeting_topic_meeting ON {TABLE} (meeting_id)",
]


def pg_recompute(meetings: str) -> str:
    derived = DERIVATION.format(month=PG_MONTH, meetings=f"r.meeting_id IN ({meetings})")
    return f"""
    DELETE FROM {TABLE} WHERE meeting_id IN ({meetings});
    INSERT INTO {TABLE} (topic_id, meeting_id, month, links) {derived}
    ON CONFLICT (topic_id, meeting_id)
    DO UPDATE SET month = EXCLUDED.month, links = EXCLUDED.links;
    """


# For each table and event, the meetings a statement's changed rows touch: their old and
# new meetings, where the change moves something between meetings (or months).
PG_TOUCHED = {
    ("readouts_statement_topics", "INSERT"): (
        "SELECT r.meeting_id FROM new_rows c JOIN readouts_statement s ON s.id = c.statement_id "
        "JOIN readouts_readout r ON r.id = s.readout_id"
    ),
    ("readouts_statement_topics", "DELETE"): (
        "SELECT r.meeting_id FROM old_rows c JOIN readouts_statement s ON s.id = c.statement_id "
        "JOIN readouts_readout r ON r.id = s.readout_id"
    ),
    ("readouts_statement_topics", "UPDATE"): (
        "SELECT r.meeting_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "JOIN readouts_statement s ON s.id IN (o.statement_id, n.statement_id) "
        "JOIN readouts_readout r ON r.id = s.readout_id "
        "WHERE (o.statement_id, o.topic_id) <> (n.statement_id, n.topic_id)"
    ),
    ("readouts_statement", "UPDATE"): (
        "SELECT r.meeting_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "JOIN readouts_readout r ON r.id IN (o.readout_id, n.readout_id) "
        "WHERE o.readout_id <> n.readout_id"
    ),
    ("readouts_statement", "DELETE"): (
        "SELECT r.meeting_id FROM old_rows c JOIN readouts_readout r ON r.id = c.readout_id"
    ),
    ("readouts_readout", "UPDATE"): (
        "SELECT UNNEST(ARRAY[o.meeting_id, n.meeting_id]) FROM old_rows o "
        "JOIN new_rows n ON n.id = o.id WHERE o.meeting_id <> n.meeting_id"
    ),
    ("readouts_readout", "DELETE"): "SELECT c.meeting_id FROM old_rows c",
    ("readouts_meeting", "UPDATE"): (
        "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE DATE_TRUNC('month', o.date::timestamp) <> DATE_TRUNC('month', n.date::timestamp)"
    ),
    ("readouts_meeting", "DELETE"): "SELECT c.id FROM old_rows c",
}
EVENTS = {
    # Statements get their topic links after they are written: an insert touches nothing.
    "readouts_statement_topics": ["INSERT", "UPDATE", "DELETE"],
    "readouts_statement": ["UPDATE", "DELETE"],
    "readouts_readout": ["UPDATE", "DELETE"],
    "readouts_meeting": ["UPDATE", "DELETE"],
}


def pg_sql() -> list[str]:
    statements = [CREATE_TABLE, *INDEXES]
    for table, events in EVENTS.items():
        name = table.removeprefix("readouts_")
        for event in events:
            rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[event]
            touched = PG_TOUCHED[(table, event)]
            function = f"readouts_meeting_topic_{name}_{event.lower()}"
            statements.append(
                f"""
                CREATE FUNCTION {function}() RETURNS trigger AS $$
                BEGIN
                  {pg_recompute(touched)}
                  RETURN NULL;
                END $$ LANGUAGE plpgsql
                """
            )
            referencing = " ".join(
                f"{'OLD' if r == 'old' else 'NEW'} TABLE AS {r}_rows" for r in rows
            )
            statements.append(
                f"CREATE TRIGGER {function} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    # Django's flush empties the links with TRUNCATE, which fires no row trigger.
    statements += [
        f"""
        CREATE FUNCTION readouts_meeting_topic_truncate() RETURNS trigger AS $$
        BEGIN
          TRUNCATE {TABLE};
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        "CREATE TRIGGER readouts_meeting_topic_truncate AFTER TRUNCATE "
        "ON readouts_statement_topics FOR EACH STATEMENT "
        "EXECUTE FUNCTION readouts_meeting_topic_truncate()",
        # What is stored already.
        f"INSERT INTO {TABLE} (topic_id, meeting_id, month, links) "
        + DERIVATION.format(month=PG_MONTH, meetings="TRUE"),
    ]
    return statements


def pg_reverse() -> list[str]:
    statements = [f"DROP TABLE IF EXISTS {TABLE}"]
    for table, events in EVENTS.items():
        name = table.removeprefix("readouts_")
        for event in events:
            function = f"readouts_meeting_topic_{name}_{event.lower()}"
            statements.append(f"DROP TRIGGER IF EXISTS {function} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS {function}()")
    statements += [
        "DROP TRIGGER IF EXISTS readouts_meeting_topic_truncate ON readouts_statement_topics",
        "DROP FUNCTION IF EXISTS readouts_meeting_topic_truncate()",
    ]
    return statements


# SQLite: row by row, the meeting a row touches (from its old or new values), and when.
SQLITE_TOUCHED = {
    "readouts_statement_topics": (
        "SELECT r.meeting_id FROM readouts_statement s JOIN readouts_readout r "
        "ON r.id = s.readout_id WHERE s.id = {row}.statement_id"
    ),
    "readouts_statement": "SELECT meeting_id FROM readouts_readout WHERE id = {row}.readout_id",
    "readouts_readout": "SELECT {row}.meeting_id",
    "readouts_meeting": "SELECT {row}.id",
}
SQLITE_UPDATES = {
    "readouts_statement_topics": "OF statement_id, topic_id",
    "readouts_statement": "OF readout_id",
    "readouts_readout": "OF meeting_id",
    "readouts_meeting": "OF date",
}


def sqlite_recompute(meetings: str) -> str:
    derived = DERIVATION.format(month=SQLITE_MONTH, meetings=f"r.meeting_id IN ({meetings})")
    return (
        f"DELETE FROM {TABLE} WHERE meeting_id IN ({meetings}); "
        f"INSERT INTO {TABLE} (topic_id, meeting_id, month, links) {derived};"
    )


def sqlite_sql() -> list[str]:
    statements = [CREATE_TABLE, *INDEXES]
    for table, events in EVENTS.items():
        name = table.removeprefix("readouts_")
        for event in events:
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            touched = " UNION ".join(SQLITE_TOUCHED[table].format(row=r) for r in rows)
            on = f"UPDATE {SQLITE_UPDATES[table]}" if event == "UPDATE" else event
            statements.append(
                f"CREATE TRIGGER readouts_meeting_topic_{name}_{event.lower()} "
                f"AFTER {on} ON {table} FOR EACH ROW "
                f"BEGIN {sqlite_recompute(touched)} END"
            )
    statements.append(
        f"INSERT INTO {TABLE} (topic_id, meeting_id, month, links) "
        + DERIVATION.format(month=SQLITE_MONTH, meetings="1")
    )
    return statements


def sqlite_reverse() -> list[str]:
    statements = [f"DROP TABLE IF EXISTS {TABLE}"]
    for table, events in EVENTS.items():
        name = table.removeprefix("readouts_")
        statements += [
            f"DROP TRIGGER IF EXISTS readouts_meeting_topic_{name}_{event.lower()}"
            for event in events
        ]
    return statements


def create(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": pg_sql, "sqlite": sqlite_sql}[vendor]():
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": pg_reverse, "sqlite": sqlite_reverse}[vendor]():
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0011_publisher_hosts_time_zone"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="MeetingTopic",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "topic",
                        "meeting",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("month", models.DateField()),
                ("links", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "readouts_meeting_topic",
                "managed": False,
                "default_permissions": (),
            },
        ),
    ]
