"""Records: contacts known from an independent record (the Office of the Historian's
visits and trips), beside the readouts that are governments' accounts.

Both new tables move the data version on when written, as the curated tables do
(migration 0013): a page cached before a load of records is not served after it.
New tables only: no existing table is rebuilt, so no trigger is lost on SQLite.
"""

import django_countries.fields
from django.db import migrations, models

TABLES = ["readouts_record", "readouts_record_meetings"]
BUMP = "UPDATE readouts_data_version SET version = version + 1, changed_at = CURRENT_TIMESTAMP;"
EVENTS = ("INSERT", "UPDATE", "DELETE")


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_data_changed AFTER INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION readouts_data_changed()",
                params=None,
            )
    else:
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_data_changed_{event.lower()} AFTER {event} ON "
                    f"{table} FOR EACH ROW BEGIN {BUMP} END",
                    params=None,
                )


def drop_triggers(apps, schema_editor) -> None:
    for table in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_changed ON {table}")
        else:
            for event in EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_changed_{event.lower()}")


class Migration(migrations.Migration):

    dependencies = [
        ('readouts', '0016_topic_phrases'),
    ]

    operations = [
        migrations.CreateModel(
            name='Record',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, serialize=False)),
                ('source', models.CharField(choices=[('us-office-of-the-historian', 'the Office of the Historian')], max_length=100)),
                ('kind', models.CharField(choices=[('visit', 'visit'), ('trip', 'trip')], max_length=20)),
                ('key', models.CharField(help_text="The entry's own id in its source.", max_length=100)),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='page')),
                ('date', models.DateField()),
                ('end_date', models.DateField(blank=True, null=True)),
                ('country', django_countries.fields.CountryField(blank=True, help_text='Where the trip went, or where the visitor came from.', max_length=2)),
                ('place', models.CharField(blank=True, help_text='The places named, if any.', max_length=200)),
                ('who', models.CharField(help_text='The visitor or traveller, as the record names them.', max_length=300)),
                ('role', models.CharField(blank=True, help_text="The traveller's office.", max_length=100)),
                ('text', models.TextField(help_text="The entry's description or remarks, verbatim.")),
                ('meetings', models.ManyToManyField(blank=True, related_name='records', to='readouts.meeting')),
            ],
            options={
                'ordering': ['date', 'source', 'kind', 'key'],
                'constraints': [models.UniqueConstraint(fields=('source', 'kind', 'key'), name='record_unique'), models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='record_key_not_blank'), models.CheckConstraint(condition=models.Q(('who', ''), _negated=True), name='record_who_not_blank'), models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='record_text_not_blank'), models.CheckConstraint(condition=models.Q(('source__in', ['us-office-of-the-historian'])), name='record_source_valid'), models.CheckConstraint(condition=models.Q(('kind__in', ['visit', 'trip'])), name='record_kind_valid'), models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('end_date__gte', models.F('date')), _connector='OR'), name='record_end_date_not_before_date', violation_error_message='The end date cannot be before the date.')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
