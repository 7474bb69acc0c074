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
deleted or moved, a meeting deleted, a participant added after their attendances or
their country changed), in the same transaction, whatever path writes. `manage.py
derived_tables` checks and rebuilds it.
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
    # A participant written after their attendances (Django's loaddata, by key).
    ("readouts_participant", "INSERT"): (
        "SELECT a.meeting_id FROM readouts_attendance a JOIN new_rows n ON n.id = a.participant_id"
    ),
    ("readouts_participant", "UPDATE"): (
        "SELECT a.meeting_id FROM readouts_attendance a "
        "JOIN new_rows n ON n.id = a.participant_id JOIN old_rows o ON o.id = n.id "
        "WHERE o.country <> n.country"
    ),
}
# Two transactions recomputing one meeting's rows at once: the later one waits for the
# earlier to commit (a lock on the meeting's row, which neither foreign keys nor other
# readers take), so it counts what the earlier wrote; a meeting with no row yet has no
# row to wait on in this table. Attendances written meanwhile by another transaction
# while a participant's country changes: that change waits for them, and they for it
# (a lock on the attendances, taken only when a country changed), so neither counts
# with the other's old value.
PG_LOCK = {
    ("readouts_attendance", "INSERT"),
    ("readouts_attendance", "DELETE"),
    ("readouts_attendance", "UPDATE"),
}
PG_CHANGED_COUNTRY = (
    "EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE o.country <> n.country)"
)
PG_UPSERT = (
    "ON CONFLICT (country, meeting_id) DO UPDATE SET participants = EXCLUDED.participants"
)


def pg_function(table: str, event: str) -> str:
    return f"readouts_meeting_country_{table.removeprefix('readouts_')}_{event.lower()}"


def pg_body(table: str, event: str, touched: str) -> str:
    body = recompute(touched, PG_UPSERT)
    if (table, event) in PG_LOCK:
        lock = (
            f"PERFORM 1 FROM readouts_meeting WHERE id IN ({touched}) "
            "ORDER BY id FOR NO KEY UPDATE;"
        )
        return f"{lock} {body}"
    if (table, event) == ("readouts_participant", "UPDATE"):
        return (
            f"IF {PG_CHANGED_COUNTRY} THEN "
            f"LOCK TABLE readouts_attendance IN SHARE MODE; {body} END IF;"
        )
    return body


def pg_sql() -> list[str]:
    statements = [CREATE_TABLE, INDEX]
    for (table, event), touched in PG_TOUCHED.items():
        rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[event]
        function = pg_function(table, event)
        statements.append(
            f"""
            CREATE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
              {pg_body(table, event, touched)}
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
    ("readouts_participant", "INSERT", "INSERT"): (
        "SELECT meeting_id FROM readouts_attendance WHERE participant_id = NEW.id"
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
