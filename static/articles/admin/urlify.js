/*
 * Replaces Django admin's URLify (admin/js/urlify.js), which prepopulate.js calls to
 * pre-fill slugs. Django's version drops Devanagari vowel signs, virama and nukta
 * ("मृणांक शर्मा" -> "मणक-शरम"); this one follows the server's articles.text.slugify:
 * NFC, lowercase; keep ASCII letters and digits and Devanagari letters, digits and
 * combining marks; accented Latin folds to ASCII; ZWJ/ZWNJ/soft hyphen and in-word
 * apostrophes are dropped; every other run becomes one hyphen; a mark never starts a
 * word; cut at a grapheme (and preferably word) boundary; no hyphen at either end.
 * Loaded after Django's file, so this definition is the one prepopulate.js finds.
 */
'use strict';
{
    const BASE = 'a-z0-9\\u0904-\\u0939\\u093d\\u0950\\u0958-\\u0961\\u0966-\\u096f' +
        '\\u0971-\\u097f\\ua8f2-\\ua8f7\\ua8fb\\ua8fd\\ua8fe';
    const MARKS = '\\u0900-\\u0903\\u093a-\\u093c\\u093e-\\u094f\\u0951-\\u0957' +
        '\\u0962\\u0963\\ua8e0-\\ua8f1\\ua8ff';
    const OTHER_RUN = new RegExp('[^' + BASE + MARKS + ']+', 'gu');
    const LEADING_MARKS = new RegExp('(^|-)[' + MARKS + ']+', 'gu');
    const JOINERS = /[\u200c\u200d\u00ad\u2060\ufeff]/gu;
    const APOSTROPHE = /(?<=[\p{L}\p{M}])['\u2019\u02bc](?=\p{L})/gu;
    const LATIN_FALLBACK = {
        'æ': 'ae', 'ð': 'd', 'đ': 'd', 'ħ': 'h', 'ı': 'i', 'ł': 'l', 'ŋ': 'n', 'ø': 'o',
        'œ': 'oe', 'ß': 'ss', 'þ': 'th'
    };
    const graphemes = (text) => (typeof Intl !== 'undefined' && Intl.Segmenter)
        ? Array.from(new Intl.Segmenter(undefined, {granularity: 'grapheme'}).segment(text),
            (part) => part.segment)
        : Array.from(text);

    function slugify(value, maxLength) {
        let s = String(value).normalize('NFC').toLowerCase();
        s = s.replace(JOINERS, '').replace(APOSTROPHE, '');
        // Accented Latin and compatibility forms (é, ﬁ, ｆ) to ASCII, as NFKD does on the server;
        // Devanagari is left as it is.
        s = s.replace(/[\p{Script=Latin}\uff00-\uffef\ufb00-\ufb06]/gu, (ch) => LATIN_FALLBACK[ch] ||
            ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
        s = s.replace(OTHER_RUN, '-').replace(LEADING_MARKS, '$1');
        s = s.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
        if (maxLength && s.length > maxLength) {
            let cut = '';
            for (const cluster of graphemes(s)) {
                if (cut.length + cluster.length > maxLength) {
                    break;
                }
                cut += cluster;
            }
            if (s.charAt(cut.length) !== '-' && cut.includes('-')) {
                cut = cut.slice(0, cut.lastIndexOf('-'));
            }
            s = cut.replace(/^-+|-+$/g, '');
        }
        return s;
    }

    window.URLify = function(s, numChars, allowUnicode) {
        return slugify(s, numChars);
    };
}
