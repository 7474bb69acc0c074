"""Participants and publishers carry identifiers: the history keeps them too."""

import readouts.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_historical_record'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalparticipant',
            name='identifiers',
            field=models.JSONField(blank=True, default=list, help_text='Identifiers in other schemes, as a list: [{"scheme": "viaf", "identifier": "12345"}].', validators=[readouts.models.valid_identifiers], verbose_name='other identifiers'),
        ),
        migrations.AddField(
            model_name='historicalparticipant',
            name='wikidata',
            field=models.CharField(blank=True, help_text='The Wikidata item, such as Q22686.', max_length=20, validators=[readouts.models.valid_qid], verbose_name='Wikidata ID'),
        ),
        migrations.AddField(
            model_name='historicalpublisher',
            name='identifiers',
            field=models.JSONField(blank=True, default=list, help_text='Identifiers in other schemes, as a list: [{"scheme": "viaf", "identifier": "12345"}].', validators=[readouts.models.valid_identifiers], verbose_name='other identifiers'),
        ),
        migrations.AddField(
            model_name='historicalpublisher',
            name='wikidata',
            field=models.CharField(blank=True, help_text='The Wikidata item, such as Q22686.', max_length=20, validators=[readouts.models.valid_qid], verbose_name='Wikidata ID'),
        ),
    ]
