from django.db import migrations, models

HELP = "Slugs of duplicates merged into this one, one per line: they still lead here."


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_historicalpublisher_hosts_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalparticipant",
            name="former_slugs",
            field=models.TextField(blank=True, editable=False, help_text=HELP),
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="former_slugs",
            field=models.TextField(blank=True, editable=False, help_text=HELP),
        ),
    ]
