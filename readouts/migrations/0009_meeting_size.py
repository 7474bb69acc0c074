"""How many take part in each meeting, as a view over the attendances.

Sorting meetings by their number of participants needs every meeting's count.
Counted meeting by meeting, in a subquery, that is an index lookup per meeting
(100,000 of them at a million statements); joined to this view, it is one
grouped pass over the attendances. The view stores nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = (
    "CREATE VIEW readouts_meeting_size AS"
    " SELECT meeting_id, COUNT(*) AS participants"
    " FROM readouts_attendance GROUP BY meeting_id"
)


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0008_topic_path_indexes"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP VIEW readouts_meeting_size"),
        migrations.CreateModel(
            name="MeetingSize",
            fields=[
                (
                    "meeting",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="size",
                        serialize=False,
                        to="readouts.meeting",
                    ),
                ),
                ("participants", models.PositiveIntegerField()),
            ],
            options={
                "db_table": "readouts_meeting_size",
                "default_permissions": (),
                "managed": False,
            },
        ),
    ]
