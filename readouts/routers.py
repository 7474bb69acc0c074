"""Database routing: one database, and derived tables that are read, never written."""


class DatabaseViews:
    """Models of derived tables (Meta.managed = False: the meeting sizes and meeting
    topics that triggers keep) hold nothing curated. Saying they are not migrated keeps
    them out of dumpdata, so a dump never lists their rows for loaddata to write back;
    the tables and their triggers are made by RunSQL in migrations."""

    def allow_migrate(self, db, app_label, model_name=None, model=None, **hints) -> bool | None:
        if model is not None and not model._meta.managed:
            return False
        return None
