"""A statement's speaker attends its meeting: enforced by the database itself.

The forms check it too, with a message naming the speaker; these triggers are
for every other path (a bulk action, the shell, loaddata, a restore), so that
no write can leave a statement whose speaker did not attend, which an export
could then not load back.

Three writes can break the rule: a statement given a speaker or moved to another
readout, an attendance deleted or moved to another meeting or person, and a readout
moved to another meeting. Both databases check at the commit, so the order of
writes inside a transaction does not matter (deleting a meeting deletes its
attendances before its statements): PostgreSQL with constraint triggers, SQLite
with a deferred foreign key (below). The admin turns the refusal into a message
(readouts.rules.broken_rule).
"""

from django.db import migrations

RULE = "statement_speaker_attends"

POSTGRES = f"""
CREATE FUNCTION readouts_speakers_attend() RETURNS trigger AS $$
DECLARE
  speaker text;
  meeting text;
BEGIN
  IF TG_TABLE_NAME = 'readouts_statement' THEN
    SELECT p.slug, m.slug INTO speaker, meeting
      FROM readouts_statement s
      JOIN readouts_readout r ON r.id = s.readout_id
      JOIN readouts_meeting m ON m.id = r.meeting_id
      JOIN readouts_participant p ON p.id = s.speaker_id
     WHERE s.id = NEW.id
       AND NOT EXISTS (SELECT 1 FROM readouts_attendance a
                        WHERE a.meeting_id = r.meeting_id AND a.participant_id = s.speaker_id);
  ELSIF TG_TABLE_NAME = 'readouts_attendance' THEN
    SELECT p.slug, m.slug INTO speaker, meeting
      FROM readouts_statement s
      JOIN readouts_readout r ON r.id = s.readout_id
      JOIN readouts_meeting m ON m.id = r.meeting_id
      JOIN readouts_participant p ON p.id = s.speaker_id
     WHERE r.meeting_id = OLD.meeting_id AND s.speaker_id = OLD.participant_id
       AND NOT EXISTS (SELECT 1 FROM readouts_attendance a
                        WHERE a.meeting_id = OLD.meeting_id
                          AND a.participant_id = OLD.participant_id)
     LIMIT 1;
  ELSE
    SELECT p.slug, m.slug INTO speaker, meeting
      FROM readouts_statement s
      JOIN readouts_readout r ON r.id = s.readout_id
      JOIN readouts_meeting m ON m.id = r.meeting_id
      JOIN readouts_participant p ON p.id = s.speaker_id
     WHERE s.readout_id = NEW.id
       AND NOT EXISTS (SELECT 1 FROM readouts_attendance a
                        WHERE a.meeting_id = r.meeting_id AND a.participant_id = s.speaker_id)
     LIMIT 1;
  END IF;
  IF speaker IS NOT NULL THEN
    RAISE EXCEPTION '{RULE}: speaker % did not attend meeting %', speaker, meeting
      USING ERRCODE = 'check_violation', CONSTRAINT = '{RULE}';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER readouts_statement_speaker_attends
  AFTER INSERT OR UPDATE OF speaker_id, readout_id ON readouts_statement
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.speaker_id IS NOT NULL)
  EXECUTE FUNCTION readouts_speakers_attend();

CREATE CONSTRAINT TRIGGER readouts_attendance_speakers_attend
  AFTER DELETE OR UPDATE OF meeting_id, participant_id ON readouts_attendance
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION readouts_speakers_attend();

CREATE CONSTRAINT TRIGGER readouts_readout_speakers_attend
  AFTER UPDATE OF meeting_id ON readouts_readout
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.meeting_id <> OLD.meeting_id)
  EXECUTE FUNCTION readouts_speakers_attend();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS readouts_readout_speakers_attend ON readouts_readout;
DROP TRIGGER IF EXISTS readouts_attendance_speakers_attend ON readouts_attendance;
DROP TRIGGER IF EXISTS readouts_statement_speaker_attends ON readouts_statement;
DROP FUNCTION IF EXISTS readouts_speakers_attend();
"""

# SQLite has no deferred triggers, but it has deferred foreign keys: each statement
# with a speaker gets a row here, kept by triggers, whose (meeting, participant) must
# be an attendance when the transaction commits. Removing a statement removes its row.
# (A migration that rebuilds the statement or readout table drops these triggers with
# it: the tests of the rule would then fail.)
SQLITE = [
    f"""
    CREATE TABLE readouts_statement_attendance (
      statement_id integer NOT NULL PRIMARY KEY
        REFERENCES readouts_statement (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      meeting_id integer NOT NULL,
      participant_id integer NOT NULL,
      CONSTRAINT {RULE} FOREIGN KEY (meeting_id, participant_id)
        REFERENCES readouts_attendance (meeting_id, participant_id) DEFERRABLE INITIALLY DEFERRED
    )
    """,
    """
    CREATE INDEX readouts_statement_attendance_pair
      ON readouts_statement_attendance (meeting_id, participant_id)
    """,
    """
    CREATE TRIGGER readouts_statement_attendance_insert
    AFTER INSERT ON readouts_statement FOR EACH ROW WHEN NEW.speaker_id IS NOT NULL
    BEGIN
      INSERT INTO readouts_statement_attendance (statement_id, meeting_id, participant_id)
      SELECT NEW.id, meeting_id, NEW.speaker_id FROM readouts_readout WHERE id = NEW.readout_id;
    END
    """,
    """
    CREATE TRIGGER readouts_statement_attendance_update
    AFTER UPDATE OF speaker_id, readout_id ON readouts_statement FOR EACH ROW
    BEGIN
      DELETE FROM readouts_statement_attendance WHERE statement_id = OLD.id;
      INSERT INTO readouts_statement_attendance (statement_id, meeting_id, participant_id)
      SELECT NEW.id, meeting_id, NEW.speaker_id FROM readouts_readout
       WHERE id = NEW.readout_id AND NEW.speaker_id IS NOT NULL;
    END
    """,
    """
    CREATE TRIGGER readouts_readout_statement_attendance
    AFTER UPDATE OF meeting_id ON readouts_readout FOR EACH ROW
    BEGIN
      UPDATE readouts_statement_attendance SET meeting_id = NEW.meeting_id
       WHERE statement_id IN (SELECT id FROM readouts_statement WHERE readout_id = NEW.id);
    END
    """,
    # Statements already recorded.
    """
    INSERT INTO readouts_statement_attendance (statement_id, meeting_id, participant_id)
    SELECT s.id, r.meeting_id, s.speaker_id
      FROM readouts_statement s JOIN readouts_readout r ON r.id = s.readout_id
     WHERE s.speaker_id IS NOT NULL
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS readouts_readout_statement_attendance",
    "DROP TRIGGER IF EXISTS readouts_statement_attendance_update",
    "DROP TRIGGER IF EXISTS readouts_statement_attendance_insert",
    "DROP TABLE IF EXISTS readouts_statement_attendance",
]


def create(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": [POSTGRES], "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(sql, params=None)  # no parameters: % is PL/pgSQL's


def drop(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": [POSTGRES_REVERSE], "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0009_meeting_size"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
