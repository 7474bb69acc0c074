from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("readouts", "0004_versions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="readout",
            index=models.Index(fields=["published_at", "id"], name="readout_published_idx"),
        ),
    ]
