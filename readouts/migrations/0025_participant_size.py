"""How many meetings each participant attended: a derived table.

Sorting the participants by their number of meetings counted every participant's
attendances on each request (240,000 at 100,000 meetings) before it could take the
first 25, so the page grew with the data. This table stores the count, one row per
participant (0 for one who attended none yet), with an index on the count, so the
busiest are read off the index. Like the meeting size table (0020) it is never edited
by hand: database triggers recompute the rows of the participants a write touches (a
participant added or deleted, an attendance added, deleted or given to another
participant), in the same transaction, whatever path writes. `manage.py
derived_tables` checks and rebuilds it.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "readouts_participant_size"

# The rows of some participants, as their attendances say now.
DERIVATION = """
SELECT p.id, COUNT(a.id)
  FROM readouts_participant p LEFT JOIN readouts_attendance a ON a.participant_id = p.id
 WHERE {participants}
 GROUP BY p.id
"""

CREATE_TABLE = f"""
CREATE TABLE {TABLE} (
  participant_id bigint NOT NULL PRIMARY KEY,
  meetings integer NOT NULL
)
"""
# The busiest first, read off the index.
INDEX = f"CREATE INDEX readouts_participant_size_meetings ON {TABLE} (meetings, participant_id)"


def recompute(participants: str, upsert: str = "") -> str:
    # A participant deleted has no row in the derivation: its row goes with the DELETE.
    return (
        f"DELETE FROM {TABLE} WHERE participant_id IN ({participants}); "
        f"INSERT INTO {TABLE} (participant_id, meetings) "
        f"{DERIVATION.format(participants=f'p.id IN ({participants})')} {upsert};"
    )


def function(table: str, event: str) -> str:
    return f"readouts_participant_size_{table.removeprefix('readouts_')}_{event.lower()}"


# PostgreSQL, once per statement: the participants its changed rows touch.
PG_TOUCHED = {
    ("readouts_participant", "INSERT"): "SELECT id FROM new_rows",
    ("readouts_participant", "DELETE"): "SELECT id FROM old_rows",
    ("readouts_attendance", "INSERT"): "SELECT participant_id FROM new_rows",
    ("readouts_attendance", "DELETE"): "SELECT participant_id FROM old_rows",
    ("readouts_attendance", "UPDATE"): (
        "SELECT UNNEST(ARRAY[o.participant_id, n.participant_id]) FROM old_rows o "
        "JOIN new_rows n ON n.id = o.id WHERE o.participant_id <> n.participant_id"
    ),
}
# Two transactions recomputing one participant: the later insert updates the earlier's row.
PG_UPSERT = "ON CONFLICT (participant_id) DO UPDATE SET meetings = EXCLUDED.meetings"


def pg_sql() -> list[str]:
    statements = [CREATE_TABLE, INDEX]
    for (table, event), touched in PG_TOUCHED.items():
        rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[event]
        name = function(table, event)
        statements.append(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
              {recompute(touched, PG_UPSERT)}
              RETURN NULL;
            END $$ LANGUAGE plpgsql
            """
        )
        referencing = " ".join(f"{r.upper()} TABLE AS {r}_rows" for r in rows)
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    # Django's flush empties the participants with TRUNCATE, which fires no row trigger.
    statements += [
        f"""
        CREATE FUNCTION readouts_participant_size_truncate() RETURNS trigger AS $$
        BEGIN
          TRUNCATE {TABLE};
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        "CREATE TRIGGER readouts_participant_size_truncate AFTER TRUNCATE "
        "ON readouts_participant FOR EACH STATEMENT "
        "EXECUTE FUNCTION readouts_participant_size_truncate()",
        # What is stored already.
        f"INSERT INTO {TABLE} (participant_id, meetings) "
        + DERIVATION.format(participants="TRUE"),
    ]
    return statements


def pg_reverse() -> list[str]:
    statements = []
    for table, event in PG_TOUCHED:
        statements += [
            f"DROP TRIGGER IF EXISTS {function(table, event)} ON {table}",
            f"DROP FUNCTION IF EXISTS {function(table, event)}()",
        ]
    return [
        *statements,
        "DROP TRIGGER IF EXISTS readouts_participant_size_truncate ON readouts_participant",
        "DROP FUNCTION IF EXISTS readouts_participant_size_truncate()",
        f"DROP TABLE {TABLE}",
    ]


# SQLite, row by row: the participants a row touches, from its old or new values.
SQLITE_TOUCHED = {
    ("readouts_participant", "INSERT", "INSERT"): "SELECT NEW.id",
    ("readouts_participant", "DELETE", "DELETE"): "SELECT OLD.id",
    ("readouts_attendance", "INSERT", "INSERT"): "SELECT NEW.participant_id",
    ("readouts_attendance", "DELETE", "DELETE"): "SELECT OLD.participant_id",
    ("readouts_attendance", "UPDATE", "UPDATE OF participant_id"): (
        "SELECT OLD.participant_id UNION SELECT NEW.participant_id"
    ),
}


def sqlite_sql() -> list[str]:
    statements = [CREATE_TABLE, INDEX]
    for (table, event, on), touched in SQLITE_TOUCHED.items():
        statements.append(
            f"CREATE TRIGGER {function(table, event)} "
            f"AFTER {on} ON {table} FOR EACH ROW BEGIN {recompute(touched)} END"
        )
    statements.append(
        f"INSERT INTO {TABLE} (participant_id, meetings) " + DERIVATION.format(participants="1")
    )
    return statements


def sqlite_reverse() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {function(table, event)}" for table, event, _ in SQLITE_TOUCHED
    ]
    return [*statements, f"DROP TABLE {TABLE}"]


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
        ("readouts", "0024_meeting_country"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="ParticipantSize",
            fields=[
                (
                    "participant",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="size",
                        serialize=False,
                        to="readouts.participant",
                    ),
                ),
                ("meetings", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "readouts_participant_size",
                "managed": False,
                "default_permissions": (),
            },
        ),
    ]
