"""The official prisbasbelopp from 2015 on (national data, the same for every organisation).

Later years are added by the administrator in the app (or by a later migration).
"""

from django.db import migrations

PRICE_BASE_AMOUNTS = {
    2015: 44500,
    2016: 44300,
    2017: 44800,
    2018: 45500,
    2019: 46500,
    2020: 47300,
    2021: 47600,
    2022: 48300,
    2023: 52500,
    2024: 57300,
    2025: 58800,
    2026: 59200,
}


def add_amounts(apps, schema_editor):
    PriceBaseAmount = apps.get_model("insurance", "PriceBaseAmount")
    for year, amount in PRICE_BASE_AMOUNTS.items():
        PriceBaseAmount.objects.update_or_create(year=year, defaults={"amount": amount})


def remove_amounts(apps, schema_editor):
    PriceBaseAmount = apps.get_model("insurance", "PriceBaseAmount")
    PriceBaseAmount.objects.filter(year__in=PRICE_BASE_AMOUNTS).delete()


class Migration(migrations.Migration):
    dependencies = [("insurance", "0001_programme_claims_fund_allocation")]

    operations = [migrations.RunPython(add_amounts, remove_amounts)]
