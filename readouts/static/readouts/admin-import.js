// The import review page: each statement's speaker is a row of the participants, listed by
// name; when the analyst renames a new person or chooses someone recorded, the lists follow.
"use strict";
(function () {
    function rowLabel(row) {
        var chosen = document.getElementById("id_people-" + row + "-existing");
        if (chosen && chosen.value && chosen.selectedIndex >= 0) {
            return chosen.options[chosen.selectedIndex].text;
        }
        var name = document.getElementById("id_people-" + row + "-name");
        var slug = document.getElementById("id_people-" + row + "-slug");
        return (name && name.value.trim()) || (slug && slug.value.trim()) ||
            "Participant " + (Number(row) + 1) + " (not given yet)";
    }
    function refresh(event) {
        var match = /^id_people-(\d+)-(existing|name|slug)$/.exec(event.target.id || "");
        if (!match) { return; }
        var label = rowLabel(match[1]);
        document.querySelectorAll("select.draft-speaker").forEach(function (select) {
            Array.prototype.forEach.call(select.options, function (option) {
                if (option.value === match[1]) { option.text = label; }
            });
        });
    }
    document.addEventListener("input", refresh);
    document.addEventListener("change", refresh);
    // The admin's autocomplete tells of a choice through jQuery only.
    if (window.django && window.django.jQuery) {
        window.django.jQuery(document).on("change", "select", refresh);
    }
}());
