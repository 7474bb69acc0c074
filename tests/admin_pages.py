"""What a browser would post back from the admin's pages, for tests that save through them."""


def form_data(response) -> dict:
    """The data a browser would send back from an admin change page."""
    context = response.context
    data = {}
    forms = [context["adminform"].form] + [
        form
        for formset in context.get("inline_admin_formsets", [])
        for form in formset.formset.forms
    ]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            widget = field.widget
            if hasattr(widget, "widgets") and not isinstance(value, str):  # date and time
                parts = widget.decompress(value) if not isinstance(value, list) else value
                for i, part in enumerate(parts):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, list):
                data[key] = [str(v) for v in value]
            elif value is not None and value is not False:
                data[key] = str(value)
    for formset in context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def review_data(response) -> dict:
    """What the review page would post back unchanged."""
    data = {"review": "1"}
    meeting = response.context["meeting_form"]
    for name in meeting.fields:
        value = meeting.initial.get(name, "")
        data[name] = getattr(value, "pk", value) if value is not None else ""
    for formset in (response.context["people"], response.context["statements"]):
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, 0)
        for form in formset.forms:
            for name in form.fields:
                value = form.initial.get(name, "")
                if name == "topics":
                    data[form.add_prefix(name)] = list(value or [])
                elif name != "DELETE":
                    data[form.add_prefix(name)] = (
                        getattr(value, "pk", value) if value is not None else ""
                    )
    return data
