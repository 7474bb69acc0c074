"""How many take part in each meeting: a derived table, where migration 0009 had a view.

Sorting meetings by their number of participants through the view grouped every
attendance on each request (240,000 at 100,000 meetings) before it could take the
first 25. This table stores the count, one row per meeting (0 for a meeting with no
one recorded yet), with an index on the count, so the largest meetings are read off
the index. Like the meeting–topic table (0012) it is never edited by hand: database
triggers recompute the rows of the meetings a write touches (a meeting added or
deleted, an attendance added, deleted or moved to another meeting), in the same
transaction, whatever path writes. `manage.py derived_tables` checks and rebuilds it.
"""

from django.db import migrations

TABLE = "readouts_meeting_size"

# The rows of some meetings, as their attendances say now.
DERIVATION = """
SELECT m.id, COUNT(a.id)
  FROM readouts_meeting m LEFT JOIN readouts_attendance a ON a.meeting_id = m.id
 WHERE {meetings}
 GROUP BY m.id
"""

CREATE_TABLE = f"""
CREATE TABLE {TABLE} (
  meeting_id bigint NOT NULL PRIMARY KEY,
  participants integer NOT NULL
)
"""
# The largest meetings first, read off the index.
INDEX = f"CREATE INDEX readouts_meeting_size_participants ON {TABLE} (participants, meeting_id)"
VIEW = (
    "CREATE VIEW readouts_meeting_size AS"
    " SELECT meeting_id, COUNT(*) AS participants"
    " FROM readouts_attendance GROUP BY meeting_id"
)


def recompute(meetings: str, upsert: str = "") -> str:
    # A meeting deleted has no row in the derivation: its row goes with the DELETE.
    return (
        f"DELETE FROM {TABLE} WHERE meeting_id IN ({meetings}); "
        f"INSERT INTO {TABLE} (meeting_id, participants) "
        f"{DERIVATION.format(meetings=f'm.id IN ({meetings})')} {upsert};"
    )


# PostgreSQL, once per statement: the meetings its changed rows touch.
PG_TOUCHED = {
    ("readouts_meeting", "INSERT"): "SELECT id FROM new_rows",
    ("readouts_meeting", "DELETE"): "SELECT id FROM old_rows",
    ("readouts_attendance", "INSERT"): "SELECT meeting_id FROM new_rows",
    ("readouts_attendance", "DELETE"): "SELECT meeting_id FROM old_rows",
    ("readouts_attendance", "UPDATE"): (
        "SELECT UNNEST(ARRAY[o.meeting_id, n.meeting_id]) FROM old_rows o "
        "JOIN new_rows n ON n.id = o.id WHERE o.meeting_id <> n.meeting_id"
    ),
}
# Two transactions recomputing one meeting: the later insert updates the earlier's row.
PG_UPSERT = "ON CONFLICT (meeting_id) DO UPDATE SET participants = EXCLUDED.participants"


def pg_sql() -> list[str]:
    statements = ["DROP VIEW readouts_meeting_size", CREATE_TABLE, INDEX]
    for (table, event), touched in PG_TOUCHED.items():
        name = table.removeprefix("readouts_")
        rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[event]
        function = f"readouts_meeting_size_{name}_{event.lower()}"
        statements.append(
            f"""
            CREATE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
              {recompute(touched, PG_UPSERT)}
              RETURN NULL;
            END $$ LANGUAGE plpgsql
            """
        )
        referencing = " ".join(f"{r.upper()} TABLE AS {r}_rows" for r in rows)
        statements.append(
            f"CREATE TRIGGER {function} AFTER {event} ON {table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    # Django's flush empties the meetings with TRUNCATE, which fires no row trigger.
    statements += [
        f"""
        CREATE FUNCTION readouts_meeting_size_truncate() RETURNS trigger AS $$
        BEGIN
          TRUNCATE {TABLE};
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        "CREATE TRIGGER readouts_meeting_size_truncate AFTER TRUNCATE "
        "ON readouts_meeting FOR EACH STATEMENT "
        "EXECUTE FUNCTION readouts_meeting_size_truncate()",
        # What is stored already.
        f"INSERT INTO {TABLE} (meeting_id, participants) " + DERIVATION.format(meetings="TRUE"),
    ]
    return statements


def pg_reverse() -> list[str]:
    statements = []
    for table, event in PG_TOUCHED:
        function = f"readouts_meeting_size_{table.removeprefix('readouts_')}_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    statements += [
        "DROP TRIGGER IF EXISTS readouts_meeting_size_truncate ON readouts_meeting",
        "DROP FUNCTION IF EXISTS readouts_meeting_size_truncate()",
        f"DROP TABLE {TABLE}",
        VIEW,
    ]
    return statements


# SQLite, row by row: the meeting a row touches, from its old or new values.
SQLITE_TOUCHED = {
    ("readouts_meeting", "INSERT"): "SELECT NEW.id",
    ("readouts_meeting", "DELETE"): "SELECT OLD.id",
    ("readouts_attendance", "INSERT"): "SELECT NEW.meeting_id",
    ("readouts_attendance", "DELETE"): "SELECT OLD.meeting_id",
    ("readouts_attendance", "UPDATE"): "SELECT OLD.meeting_id UNION SELECT NEW.meeting_id",
}


def sqlite_sql() -> list[str]:
    statements = ["DROP VIEW readouts_meeting_size", CREATE_TABLE, INDEX]
    for (table, event), touched in SQLITE_TOUCHED.items():
        name = table.removeprefix("readouts_")
        on = "UPDATE OF meeting_id" if event == "UPDATE" else event
        statements.append(
            f"CREATE TRIGGER readouts_meeting_size_{name}_{event.lower()} "
            f"AFTER {on} ON {table} FOR EACH ROW BEGIN {recompute(touched)} END"
        )
    statements.append(
        f"INSERT INTO {TABLE} (meeting_id, participants) " + DERIVATION.format(meetings="1")
    )
    return statements


def sqlite_reverse() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS readouts_meeting_size_{table.removeprefix('readouts_')}_"
        f"{event.lower()}"
        for table, event in SQLITE_TOUCHED
    ]
    return [*statements, f"DROP TABLE {TABLE}", VIEW]


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
        ("readouts", "0019_readout_published_offset"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
