"""Which countries take part in each meeting: a derived table.

Every page about a country or a pair of countries (the pair page, the one-sided
contacts, the meetings and statements filtered by country) asked which meetings
someone from that country attended by joining the attendances to the participants
of that country: some 10,000 attendances each side at 100,000 meetings, on every
request. This table holds a row per country and meeting, with how many of the
meeting's participants are from that country, keyed by (country, meeting), so a
country's meetings are one range of its index and a pair's are two read side by
side. Like the meeting size table (0020) it is never edited by hand: database
triggers recompute the rows of the meetings a write touches (an attendance added,
deleted or moved, a meeting deleted, a participant's country changed), in the same
transaction, whatever path writes. `manage.py derived_tables` checks and rebuilds it.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "readouts_meeting_country"

# The rows of some meetings, as their attendances and their participants' countries
# say now. A participant with no country recorded gives no row.
DERIVATION = """
SELECT p.country, a.meeting_id, COUNT(*)
  FROM readouts_attendance a JOIN readouts_participant p ON p.id = a.participant_id
 WHERE p.country <> '' AND {meetings}
 GROUP BY p.country, a.meeting_id
"""

CREATE_TABLE = f"""
CREATE TABLE {TABLE} (
  country varchar(2) NOT NULL,
  meeting_id bigint NOT NULL,
  participants integer NOT NULL,
  PRIMARY KEY (country, meeting_id)
)
"""
# The triggers find a meeting's rows by the meeting.
INDEX = f"CREATE INDEX readouts_meeting_country_meeting ON {TABLE} (meeting_id)"


def recompute(meetings: str, upsert: str = "") -> str:
    return (
        f"DELETE FROM {TABLE} WHERE meeting_id IN ({meetings}); "
        f"INSERT INTO {TABLE} (country, meeting_id, participants) "
        f"{DERIVATION.format(meetings=f'a.meeting_id IN ({meetings})')} {upsert};"
    )


# PostgreSQL, once per statement: the meetings its changed rows touch.
PG_TOUCHED = {
    ("readouts_meeting", "DELETE"): "SELECT id FROM old_rows",
    ("readouts_attendance", "INSERT"): "SELECT meeting_id FROM new_rows",
    ("readouts_attendance", "DELETE"): "SELECT meeting_id FROM old_rows",
    ("readouts_attendance", "UPDATE"): (
        "SELECT UNNEST(ARRAY[o.meeting_id, n.meeting_id]) FROM old_rows o "
        "JOIN new_rows n ON n.id = o.id "
        "WHERE o.meeting_id <> n.meeting_id OR o.participant_id <> n.participant_id"
    ),
    ("readouts_participant", "UPDATE"): (
        "SELECT a.meeting_id FROM readouts_attendance a "
        "JOIN new_rows n ON n.id = a.participant_id JOIN old_rows o ON o.id = n.id "
        "WHERE o.country <> n.country"
    ),
}
# Two transactions recomputing one meeting: the later insert updates the earlier's row.
PG_UPSERT = (
    "ON CONFLICT (country, meeting_id) DO UPDATE SET participants = EXCLUDED.participants"
)


def pg_function(table: str, event: str) -> str:
    return f"readouts_meeting_country_{table.removeprefix('readouts_')}_{event.lower()}"


def pg_sql() -> list[str]:
    statements = [CREATE_TABLE, INDEX]
    for (table, event), touched in PG_TOUCHED.items():
        rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[event]
        function = pg_function(table, event)
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
        CREATE FUNCTION readouts_meeting_country_truncate() RETURNS trigger AS $$
        BEGIN
          TRUNCATE {TABLE};
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
        "CREATE TRIGGER readouts_meeting_country_truncate AFTER TRUNCATE "
        "ON readouts_meeting FOR EACH STATEMENT "
        "EXECUTE FUNCTION readouts_meeting_country_truncate()",
        # What is stored already.
        f"INSERT INTO {TABLE} (country, meeting_id, participants) "
        + DERIVATION.format(meetings="TRUE"),
    ]
    return statements


def pg_reverse() -> list[str]:
    statements = []
    for table, event in PG_TOUCHED:
        function = pg_function(table, event)
        statements += [
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    return [
        *statements,
        "DROP TRIGGER IF EXISTS readouts_meeting_country_truncate ON readouts_meeting",
        "DROP FUNCTION IF EXISTS readouts_meeting_country_truncate()",
        f"DROP TABLE {TABLE}",
    ]


# SQLite, row by row: the meetings a row touches, from its old or new values.
SQLITE_TOUCHED = {
    ("readouts_meeting", "DELETE", "DELETE"): "SELECT OLD.id",
    ("readouts_attendance", "INSERT", "INSERT"): "SELECT NEW.meeting_id",
    ("readouts_attendance", "DELETE", "DELETE"): "SELECT OLD.meeting_id",
    ("readouts_attendance", "UPDATE", "UPDATE OF meeting_id, participant_id"): (
        "SELECT OLD.meeting_id UNION SELECT NEW.meeting_id"
    ),
    ("readouts_participant", "UPDATE", "UPDATE OF country"): (
        "SELECT meeting_id FROM readouts_attendance WHERE participant_id = NEW.id"
    ),
}


def sqlite_sql() -> list[str]:
    statements = [CREATE_TABLE, INDEX]
    for (table, event, on), touched in SQLITE_TOUCHED.items():
        statements.append(
            f"CREATE TRIGGER {pg_function(table, event)} "
            f"AFTER {on} ON {table} FOR EACH ROW BEGIN {recompute(touched)} END"
        )
    statements.append(
        f"INSERT INTO {TABLE} (country, meeting_id, participants) "
        + DERIVATION.format(meetings="1")
    )
    return statements


def sqlite_reverse() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {pg_function(table, event)}"
        for table, event, _ in SQLITE_TOUCHED
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
        ("readouts", "0023_distinct_from"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.CreateModel(
            name="MeetingCountry",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "country",
                        "meeting",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("country", models.CharField(max_length=2)),
                (
                    "meeting",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="readouts.meeting",
                    ),
                ),
                ("participants", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "readouts_meeting_country",
                "managed": False,
                "default_permissions": (),
            },
        ),
    ]
