"""A statement's speaker attends its meeting, also when two transactions write at once.

Migration 0010 checks the rule at commit. Two transactions could each pass that
check before either committed (one adding a statement by someone, the other
removing their attendance), and together break it. The check on the statement's
side now takes a share lock on the attendance it relies on: a transaction
removing that attendance then waits for the statement's to end and sees its
statement, or the statement's waits for the removal to end and finds the
attendance gone. Either way one of them is refused. SQLite lets one writer in at
a time, so its deferred foreign key needs nothing more.
"""

from django.db import migrations

RULE = "statement_speaker_attends"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION readouts_speakers_attend() RETURNS trigger AS $$
DECLARE
  speaker text;
  meeting text;
  pair record;
BEGIN
  IF TG_TABLE_NAME = 'readouts_attendance' THEN
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
    -- The (meeting, speaker) pairs the statement, or the moved readout's statements, need.
    FOR pair IN
      SELECT DISTINCT r.meeting_id, s.speaker_id
        FROM readouts_statement s JOIN readouts_readout r ON r.id = s.readout_id
       WHERE s.speaker_id IS NOT NULL
         AND ((TG_TABLE_NAME = 'readouts_statement' AND s.id = NEW.id)
           OR (TG_TABLE_NAME = 'readouts_readout' AND s.readout_id = NEW.id))
    LOOP
      PERFORM 1 FROM readouts_attendance a
        WHERE a.meeting_id = pair.meeting_id AND a.participant_id = pair.speaker_id
        FOR KEY SHARE;
      IF NOT FOUND THEN
        SELECT p.slug, m.slug INTO speaker, meeting
          FROM readouts_participant p, readouts_meeting m
         WHERE p.id = pair.speaker_id AND m.id = pair.meeting_id;
        EXIT;
      END IF;
    END LOOP;
  END IF;
  IF speaker IS NOT NULL THEN
    RAISE EXCEPTION '{RULE}: speaker % did not attend meeting %', speaker, meeting
      USING ERRCODE = 'check_violation', CONSTRAINT = '{RULE}';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def lock(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def unlock(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        before = import_module("readouts.migrations.0010_speakers_attend")
        function = before.POSTGRES.split("CREATE CONSTRAINT TRIGGER")[0]
        schema_editor.execute(
            function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"), params=None
        )


class Migration(migrations.Migration):
    dependencies = [("readouts", "0014_merged_slugs")]

    operations = [migrations.RunPython(lock, unlock)]
