from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cas', '0004_eulogin_login_request'),
    ]

    operations = [
        migrations.AddField(
            model_name='ssosession',
            name='warn',
            field=models.BooleanField(default=False, verbose_name='warn before each service'),
        ),
    ]
