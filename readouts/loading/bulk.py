"""Inserting many new rows at once: COPY on PostgreSQL, bulk_create elsewhere.

Rows get their primary keys first (from the table's own sequence), so that
later rows can refer to them, as bulk_create's RETURNING would give.
"""

from django.db import connection, models
from django.utils import timezone
from django_countries.fields import CountryField

BATCH = 500  # rows per bulk_create statement where COPY is not available

# Values of these fields go to psycopg as they are; others are prepared by the field.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "TextField",
    "URLField",
}


def _allocate_keys(model: type[models.Model], objs: list[models.Model]) -> None:
    missing = [obj for obj in objs if obj.pk is None]
    if not missing:
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)


def insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert new rows and give each its primary key."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    _allocate_keys(model, objs)
    fields = model._meta.concrete_fields
    prepare = [
        (
            f.attname,
            None if f.get_internal_type() in PLAIN and not isinstance(f, CountryField) else f,
        )
        for f in fields
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row(
                [
                    getattr(obj, name)
                    if field is None
                    else field.get_db_prep_save(getattr(obj, name), connection)
                    for name, field in prepare
                ]
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_history(
    model: type[models.Model], objs: list[models.Model], *, update: bool, user, reason: str
) -> None:
    """One historical record per object, as django-simple-history would write it."""
    if not objs:
        return
    historical = model.history.model
    now = timezone.now()
    tracked = [field.attname for field in historical.tracked_fields]
    insert(
        historical,
        [
            historical(
                history_date=now,
                history_user=user,
                history_change_reason=reason,
                history_type="~" if update else "+",
                **{name: getattr(obj, name) for name in tracked},
            )
            for obj in objs
        ],
    )
