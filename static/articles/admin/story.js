'use strict';
// The story page (articles/admin/stories.py): select2 hides each labelled <select> it
// replaces and names its own box only by the chosen value (nothing when none is chosen),
// and the search box of a many-choice one has no name at all. Give them their field's
// label, for screen readers (axe-core: aria-input-field-name, label). No inline script:
// this file is loaded through the admin's Media, and runs once select2 has made its boxes
// (just after the admin's own handlers, for the page and for a quote added inline).
{
    const nameBoxes = function(root) {
        root.querySelectorAll('select.admin-autocomplete').forEach(function(select) {
            const label = select.id && document.querySelector('label[for="' + select.id + '"]');
            const box = select.nextElementSibling;
            if (!label || !box || !box.classList.contains('select2')) {
                return;
            }
            if (!label.id) {
                label.id = select.id + '-label';
            }
            const single = box.querySelector('.select2-selection--single');
            if (single) {
                // The box reads "label, chosen value"; the value's own text box (select2
                // gives it role=textbox) is named by the label.
                const shown = box.querySelector('.select2-selection__rendered');
                single.setAttribute('aria-labelledby', label.id + (shown && shown.id ? ' ' + shown.id : ''));
                if (shown) {
                    shown.setAttribute('aria-labelledby', label.id);
                }
            }
            const search = box.querySelector('.select2-search__field');
            if (search) {
                search.setAttribute('aria-labelledby', label.id);
            }
        });
    };
    // jQuery runs its ready handlers in one batch, the admin's autocomplete.js among them:
    // name the boxes just after it.
    django.jQuery(function() {
        window.setTimeout(function() {
            nameBoxes(document);
        }, 0);
    });
    document.addEventListener('formset:added', function(event) {
        // The admin's autocomplete.js makes the new row's boxes in its own handler.
        window.setTimeout(function() {
            nameBoxes(event.target);
        }, 0);
    });
}
