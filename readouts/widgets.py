"""The admin's autocomplete widgets, safe with a value that is no key.

Django's own look up the chosen rows by the posted values as they are, to draw
the form again; a value that is not a key at all ("abc" where a number belongs)
then raises a ValueError, a server error, instead of the field's own message
("Select a valid choice"). These leave such values out of that lookup.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class KeysOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        keys = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            keys.append(item)
        return super().optgroups(name, keys, attr)


class SafeAutocompleteSelect(KeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(KeysOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdmin:
    """For admin classes and inlines: their autocomplete fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
