"""Inserting many new rows at once: COPY on PostgreSQL, bulk_create elsewhere.

Rows that others refer to get their primary keys first (from the table's own
sequence), as bulk_create's RETURNING would give; history and link rows get theirs
from the column's default. No table is locked: editors keep saving while a load runs.
"""

from collections.abc import Iterable

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


def allocate_keys(model: type[models.Model], count: int) -> list[int]:
    """Take `count` primary keys from the table's sequence, one nextval each.

    nextval never gives a number twice, so this takes no lock: the keys need not be
    contiguous. (Reserving a block with setval instead needs the table locked until the
    load commits, against writers taking numbers in between: every admin save of those
    tables, their history included, then waits for the whole load.)
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(seq.id) FROM generate_series(1, %s), "
            "(SELECT pg_get_serial_sequence(%s, %s)::regclass AS id) seq",
            [count, table, column],
        )
        return [key for (key,) in cursor.fetchall()]


def _copy(model: type[models.Model], columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    # COPY goes to psycopg's own cursor, past Django's: its errors are made Django's here,
    # so a refused load is reported like any other (DatabaseError), not as a traceback.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def insert(model: type[models.Model], objs: Iterable[models.Model], count: int) -> list:
    """Insert `count` new rows, give each its primary key, and return the objects.

    On PostgreSQL, `objs` is consumed while the rows are copied. Given a generator, Python
    builds each object while the server is still writing the rows before it, so the two
    overlap instead of taking turns.
    """
    if connection.vendor != "postgresql":
        objs = list(objs)
        model.objects.bulk_create(objs, batch_size=BATCH)
        return objs
    if not count:
        return []
    keys = allocate_keys(model, count)
    attname = model._meta.pk.attname
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
    written = []
    with (
        connection.wrap_database_errors,  # as in _copy
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj, key in zip(objs, keys, strict=True):
            setattr(obj, attname, key)
            copy.write_row(
                [
                    getattr(obj, name)
                    if field is None
                    else field.get_db_prep_save(getattr(obj, name), connection)
                    for name, field in prepare
                ]
            )
            written.append(obj)
    for obj in written:
        obj._state.adding = False
        obj._state.db = connection.alias
    return written


def insert_pairs(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Rows of a link table (statement, topic), written without building instances."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=BATCH
        )
        return
    _copy(model, columns, rows)  # keys from the column's default: nothing refers to them


def insert_history(
    model: type[models.Model], objs: list[models.Model], *, update: bool, user, reason: str
) -> None:
    """One historical record per object, as django-simple-history would write it."""
    if not objs:
        return
    historical = model.history.model
    values = {
        "history_date": timezone.now(),
        "history_user_id": user.pk if user else None,
        "history_change_reason": reason,
        "history_type": "~" if update else "+",
    }
    tracked = [field.attname for field in historical.tracked_fields]
    if connection.vendor != "postgresql":
        rows = [
            historical(**values, **{name: getattr(obj, name) for name in tracked}) for obj in objs
        ]
        historical.objects.bulk_create(rows, batch_size=BATCH)
        return
    # Rows written straight from the objects: no historical instances to build. Their keys
    # come from the column's default, nothing refers to them; the server takes them from
    # the sequence while Python builds the rows after.
    fields = [field for field in historical._meta.concrete_fields if not field.primary_key]

    def row(obj) -> list:
        out = []
        for field in fields:
            if field.attname in values:
                out.append(values[field.attname])
            else:
                value = getattr(obj, field.attname)
                if isinstance(field, CountryField):
                    value = str(value)
                elif isinstance(field, models.JSONField):
                    value = field.get_db_prep_save(value, connection)  # as jsonb
                out.append(value)
        return out

    _copy(historical, [f.column for f in fields], (row(obj) for obj in objs))
