/*
 * Tag autocomplete for the admin's comma-separated tag inputs (articles.widgets.
 * TagAutocompleteWidget). As the editor types, the tag being typed (the text between the
 * commas around the caret) is looked up at the URL in data-tag-autocomplete, and matching
 * existing tags, found the way the server compares them (case, nukta and NBSP variants
 * alike), are offered in a list: click one, or choose it with the arrow keys and Enter.
 * Without this script the input is a plain comma-separated field; the server maps any
 * near-duplicate to the existing tag either way.
 */
'use strict';
{
    const SELECTOR = 'input[data-tag-autocomplete]';
    const DELAY_MS = 150;
    let counter = 0;

    function fragment(input) {
        const value = input.value;
        const caret = input.selectionStart === null ? value.length : input.selectionStart;
        const start = value.lastIndexOf(',', caret - 1) + 1;
        let end = value.indexOf(',', caret);
        if (end < 0) {
            end = value.length;
        }
        return {start: start, end: end, text: value.slice(start, end).trim()};
    }

    function setUp(input) {
        if (input._tagList) {
            return input._tagList;
        }
        // Moving a focused input blurs it: put focus and caret back afterwards.
        const focused = document.activeElement === input;
        const caret = [input.selectionStart, input.selectionEnd];
        const wrapper = document.createElement('span');
        wrapper.className = 'tag-autocomplete';
        input.parentNode.insertBefore(wrapper, input);
        wrapper.appendChild(input);
        if (focused) {
            input.focus();
            input.setSelectionRange(caret[0], caret[1]);
        }
        const list = document.createElement('ul');
        counter += 1;
        list.id = (input.id || 'tag-input-' + counter) + '_suggestions';
        list.className = 'tag-suggestions';
        list.setAttribute('role', 'listbox');
        list.hidden = true;
        wrapper.appendChild(list);
        input.setAttribute('role', 'combobox');
        input.setAttribute('aria-autocomplete', 'list');
        input.setAttribute('aria-controls', list.id);
        input.setAttribute('aria-expanded', 'false');
        input._tagList = list;
        input._tagActive = -1;
        list.addEventListener('mousedown', (event) => {
            const option = event.target.closest('[role=option]');
            if (option) {
                // mousedown, not click: the input must not lose focus (and close the list) first.
                event.preventDefault();
                choose(input, option.dataset.name);
            }
        });
        return list;
    }

    function close(input) {
        const list = input._tagList;
        if (list) {
            list.hidden = true;
            list.replaceChildren();
            input.setAttribute('aria-expanded', 'false');
            input.removeAttribute('aria-activedescendant');
            input._tagActive = -1;
        }
    }

    function show(input, results) {
        const list = setUp(input);
        list.replaceChildren();
        results.forEach((result, index) => {
            const option = document.createElement('li');
            option.id = list.id + '_' + index;
            option.setAttribute('role', 'option');
            option.setAttribute('aria-selected', 'false');
            option.dataset.name = result.name;
            option.textContent = result.name;
            list.appendChild(option);
        });
        input._tagActive = -1;
        list.hidden = results.length === 0;
        input.setAttribute('aria-expanded', results.length ? 'true' : 'false');
    }

    function highlight(input, index) {
        const options = input._tagList ? input._tagList.querySelectorAll('[role=option]') : [];
        if (!options.length) {
            return;
        }
        input._tagActive = (index + options.length) % options.length;
        options.forEach((option, i) => {
            option.setAttribute('aria-selected', i === input._tagActive ? 'true' : 'false');
        });
        input.setAttribute('aria-activedescendant', options[input._tagActive].id);
    }

    function choose(input, name) {
        const part = fragment(input);
        const head = input.value.slice(0, part.start).trim();
        const tail = input.value.slice(part.end).replace(/^\s*,?\s*/, '');
        const before = (head ? head.replace(/,?$/, ', ') : '') + name + ', ';
        input.value = before + tail;
        input.setSelectionRange(before.length, before.length);
        close(input);
        input.dispatchEvent(new Event('change', {bubbles: true}));
    }

    function lookUp(input) {
        const text = fragment(input).text;
        if (!text) {
            close(input);
            return;
        }
        const asked = (input._tagAsked || 0) + 1;
        input._tagAsked = asked;
        const url = input.dataset.tagAutocomplete + '?term=' + encodeURIComponent(text);
        fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
            .then((response) => (response.ok ? response.json() : {results: []}))
            .then((data) => {
                // Only the answer to the latest question counts.
                if (asked === input._tagAsked && document.activeElement === input) {
                    show(input, data.results || []);
                }
            })
            .catch(() => close(input));
    }

    // Set up the inputs on the page now, and inputs added later (an inline's "Add another")
    // as soon as they get focus, before anything is typed.
    // Not the hidden template of an inline's "Add another": its clones are set up on focus.
    const setUpAll = () => document.querySelectorAll(SELECTOR).forEach((input) => {
        if (!input.closest('.empty-form')) {
            setUp(input);
        }
    });
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUpAll);
    } else {
        setUpAll();
    }
    document.addEventListener('focusin', (event) => {
        if (event.target instanceof HTMLInputElement && event.target.matches(SELECTOR)) {
            setUp(event.target);
        }
    });

    document.addEventListener('input', (event) => {
        const input = event.target;
        if (!(input instanceof HTMLInputElement) || !input.matches(SELECTOR)) {
            return;
        }
        setUp(input);
        clearTimeout(input._tagTimer);
        input._tagTimer = setTimeout(() => lookUp(input), DELAY_MS);
    });

    document.addEventListener('keydown', (event) => {
        const input = event.target;
        if (!(input instanceof HTMLInputElement) || !input.matches(SELECTOR)) {
            return;
        }
        const list = input._tagList;
        if (!list || list.hidden) {
            return;
        }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            highlight(input, input._tagActive + (event.key === 'ArrowDown' ? 1 : -1));
        } else if (event.key === 'Enter' && input._tagActive >= 0) {
            // Enter picks the suggestion instead of submitting the form.
            event.preventDefault();
            choose(input, list.querySelectorAll('[role=option]')[input._tagActive].dataset.name);
        } else if (event.key === 'Escape') {
            close(input);
        }
    });

    document.addEventListener('focusout', (event) => {
        const input = event.target;
        if (input instanceof HTMLInputElement && input.matches(SELECTOR)) {
            close(input);
        }
    });
}
