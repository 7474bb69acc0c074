"""Database routing: one database, and views that are read, never written."""


class DatabaseViews:
    """Models that read a database view (Meta.managed = False) hold no rows of their
    own. Saying they are not migrated keeps them out of dumpdata, so a dump never lists
    their rows for loaddata to write back; the views are made by RunSQL in migrations."""

    def allow_migrate(self, db, app_label, model_name=None, model=None, **hints) -> bool | None:
        if model is not None and not model._meta.managed:
            return False
        return None
