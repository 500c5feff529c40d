"""The balance per node read from an index alone: (organisation, node, amount) covers the GROUP BY of the ledger
that every balance page makes (bench/insurance_fund_balance.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("insurance", "0002_price_base_amounts")]

    operations = [
        migrations.AddIndex(
            model_name="fundentry",
            index=models.Index(fields=["organisation", "node", "amount"], name="fund_entry_balance"),
        ),
    ]
