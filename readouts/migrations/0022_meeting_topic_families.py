"""The meeting–topic table holds each topic with its subtopics, where it held each
topic alone.

Meetings on a topic mean meetings on it or on one of its subtopics, at any depth.
With one row per topic a meeting's statements name, a page about a broad topic read
the rows of its whole family (twenty topics, a third of the meetings at 100,000)
and dropped the meetings found twice: about 80 ms a request for its chart alone,
and seconds to count every topic's meetings for the topics page. Now a meeting has
a row for every topic its statements name and every ancestor of those (`links`
counts the statement–topic links in that topic's family), so a topic's meetings
are its own rows, read off the index in order, each once.

The same triggers as migration 0012, with this derivation, recompute the rows of the
meetings a write touches; a topic moved under another parent recomputes the meetings
on it or on its subtopics, whose ancestors changed (on PostgreSQL it first waits for
the other writers of links, statements, readouts and meetings, and holds them off
until it commits, so that none recomputes a meeting with the tree it replaced); and a
topic added recomputes the meetings on it or its subtopics, for a load that writes
links before their topic or subtopics before their parent. A cycle in the tree (which
the models refuse, but SQL could write) ends the walk up, as TopicTree does.
"""

import importlib

from django.db import migrations

first = importlib.import_module("readouts.migrations.0012_meeting_topic")
TABLE = first.TABLE

# Each topic with itself and each of its ancestors: (topic, ancestor).
UP = """
(WITH RECURSIVE up(topic_id, ancestor_id) AS (
   SELECT id, id FROM readouts_topic
   UNION
   SELECT up.topic_id, t.parent_id FROM up JOIN readouts_topic t ON t.id = up.ancestor_id
    WHERE t.parent_id IS NOT NULL)
 SELECT topic_id, ancestor_id FROM up)
"""
# The rows of some meetings, as their statements' topic links and the tree say now.
DERIVATION = f"""
SELECT up.ancestor_id, r.meeting_id, {{month}} AS month, COUNT(*) AS links
  FROM readouts_statement_topics l
  JOIN {UP} up ON up.topic_id = l.topic_id
  JOIN readouts_statement s ON s.id = l.statement_id
  JOIN readouts_readout r ON r.id = s.readout_id
  JOIN readouts_meeting m ON m.id = r.meeting_id
 WHERE {{meetings}}
 GROUP BY up.ancestor_id, r.meeting_id, {{month}}
"""

# The meetings on some topics or on their subtopics.
ON_SUBTREE = """
SELECT r.meeting_id FROM readouts_statement_topics l
  JOIN readouts_statement s ON s.id = l.statement_id
  JOIN readouts_readout r ON r.id = s.readout_id
 WHERE l.topic_id IN (
   WITH RECURSIVE down(id) AS (
     {moved}
     UNION
     SELECT t.id FROM readouts_topic t JOIN down ON t.parent_id = down.id)
   SELECT id FROM down)
"""
PG_MOVED = (
    "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE o.parent_id IS DISTINCT FROM n.parent_id"
)
# A topic moved: the writers of what the derivation reads wait, and are waited for, so
# none recomputes a meeting with the tree as it was while this recomputes with the tree
# as it will be (each statement below reads what is committed when it starts).
PG_LOCK = (
    "LOCK TABLE readouts_statement_topics, readouts_statement, readouts_readout, "
    "readouts_meeting IN SHARE MODE;"
)
TOPIC_FUNCTION = "readouts_meeting_topic_topic_update"
# A topic added after links to it, or a parent after its subtopics (loaddata, with the
# foreign keys checked at the commit, writes in the order of its file).
TOPIC_ADDED = "readouts_meeting_topic_topic_insert"


def pg_recompute(derivation: str, meetings: str) -> str:
    derived = derivation.format(month=first.PG_MONTH, meetings=f"r.meeting_id IN ({meetings})")
    return f"""
    DELETE FROM {TABLE} WHERE meeting_id IN ({meetings});
    INSERT INTO {TABLE} (topic_id, meeting_id, month, links) {derived}
    ON CONFLICT (topic_id, meeting_id)
    DO UPDATE SET month = EXCLUDED.month, links = EXCLUDED.links;
    """


def pg_function(name: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
      {body}
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """


def refill(month: str, derivation: str) -> list[str]:
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (topic_id, meeting_id, month, links) "
        + derivation.format(month=month, meetings="1 = 1"),
    ]


def pg_sql(derivation: str, families: bool) -> list[str]:
    statements = []
    for table, events in first.EVENTS.items():
        name = table.removeprefix("readouts_")
        for event in events:
            touched = first.PG_TOUCHED[(table, event)]
            function = f"readouts_meeting_topic_{name}_{event.lower()}"
            statements.append(pg_function(function, pg_recompute(derivation, touched)))
    for function in (TOPIC_FUNCTION, TOPIC_ADDED):
        statements.append(f"DROP TRIGGER IF EXISTS {function} ON readouts_topic")
        statements.append(f"DROP FUNCTION IF EXISTS {function}()")
    if families:
        moved = ON_SUBTREE.format(moved=PG_MOVED)
        added = ON_SUBTREE.format(moved="SELECT id FROM new_rows")
        statements += [
            # Most updates (a name, a version) move nothing: they recompute nothing.
            pg_function(
                TOPIC_FUNCTION,
                f"IF EXISTS ({PG_MOVED}) THEN {PG_LOCK} {pg_recompute(derivation, moved)} "
                "END IF;",
            ),
            f"CREATE TRIGGER {TOPIC_FUNCTION} AFTER UPDATE ON readouts_topic "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TOPIC_FUNCTION}()",
            pg_function(TOPIC_ADDED, pg_recompute(derivation, added)),
            f"CREATE TRIGGER {TOPIC_ADDED} AFTER INSERT ON readouts_topic "
            "REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TOPIC_ADDED}()",
        ]
    return statements + refill(first.PG_MONTH, derivation)


def sqlite_recompute(derivation: str, meetings: str) -> str:
    derived = derivation.format(
        month=first.SQLITE_MONTH, meetings=f"r.meeting_id IN ({meetings})"
    )
    return (
        f"DELETE FROM {TABLE} WHERE meeting_id IN ({meetings}); "
        f"INSERT INTO {TABLE} (topic_id, meeting_id, month, links) {derived};"
    )


def sqlite_sql(derivation: str, families: bool) -> list[str]:
    statements = []
    for table, events in first.EVENTS.items():
        name = table.removeprefix("readouts_")
        for event in events:
            trigger = f"readouts_meeting_topic_{name}_{event.lower()}"
            rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            touched = " UNION ".join(first.SQLITE_TOUCHED[table].format(row=r) for r in rows)
            on = f"UPDATE {first.SQLITE_UPDATES[table]}" if event == "UPDATE" else event
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger}",
                f"CREATE TRIGGER {trigger} AFTER {on} ON {table} FOR EACH ROW "
                f"BEGIN {sqlite_recompute(derivation, touched)} END",
            ]
    statements += [f"DROP TRIGGER IF EXISTS {name}" for name in (TOPIC_FUNCTION, TOPIC_ADDED)]
    if families:
        moved = sqlite_recompute(derivation, ON_SUBTREE.format(moved="SELECT NEW.id"))
        statements += [
            f"CREATE TRIGGER {TOPIC_FUNCTION} AFTER UPDATE OF parent_id ON readouts_topic "
            f"FOR EACH ROW WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN {moved} END",
            f"CREATE TRIGGER {TOPIC_ADDED} AFTER INSERT ON readouts_topic "
            f"FOR EACH ROW BEGIN {moved} END",
        ]
    return statements + refill(first.SQLITE_MONTH, derivation)


def run(families: bool):
    def apply(apps, schema_editor) -> None:
        derivation = DERIVATION if families else first.DERIVATION
        vendor = schema_editor.connection.vendor
        for sql in {"postgresql": pg_sql, "sqlite": sqlite_sql}[vendor](derivation, families):
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0021_topics_version"),
    ]

    operations = [migrations.RunPython(run(True), run(False), elidable=False)]
