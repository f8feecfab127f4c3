"""Demo people for `manage.py seed_demo` (example.org addresses only)."""

from .models import User

DEMO_USERS = [
    {"email": "demo@example.org", "first_name": "Dana", "last_name": "Demo", "is_staff": False},
    {"email": "admin@example.org", "first_name": "Ada", "last_name": "Admin", "is_staff": True},
]


def seed_demo(*, password: str, stdout) -> None:
    for spec in DEMO_USERS:
        user = User.objects.filter(email__iexact=spec["email"]).first()
        if user is None:
            user = User(**spec, is_superuser=spec["is_staff"])
            user.set_password(password)
            user.save()
            stdout.write(f"  created {spec['email']}")
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            stdout.write(f"  reset the password of {spec['email']}")
