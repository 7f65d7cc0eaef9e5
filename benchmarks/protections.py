"""Each protection of issues 46 (the import), 40 (leaflet text read right) and 44
(tests that can fail) taken out, one at a time, and its test run: every test must
fail without its protection (a test that passes anyway proves nothing).

    .venv/bin/python benchmarks/protections.py [--only TEXT] [--json FILE]

A protection is taken out by replacing one piece of the source with a piece that does
not protect (the replacement is shown); the file is restored afterwards, whatever
happens. A protection whose source has changed so that the piece is not found is
reported as such (exit 1): update it here with the code. Prints, for each, the test's
first assertion failure, which is what the closing notes of issues 46 and 40 quote.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "imnm_audio"
FAITHFUL = "tests/test_import_faithful.py"
STUDIO = "tests/test_studio.py"
HIDDEN_PDF = f"{FAITHFUL}::test_pdf_text_a_reader_cannot_see_is_left_out_and_named"
SHOWN_PDF = f"{FAITHFUL}::test_pdf_text_a_reader_sees_is_kept_once"
HIDDEN_PAGE = f"{FAITHFUL}::test_page_text_its_visitors_cannot_see_is_left_out_and_named"
PUBLISH_WEB = (
    "tests/test_publish.py::test_a_web_root_gets_what_changed_with_the_feed_last_and_is_read_back"
)


@dataclass(frozen=True)
class Protection:
    name: str
    file: str  # under src/imnm_audio/
    old: str
    new: str
    test: str  # a pytest node id (or -k expression after '::-k ')


PROTECTIONS = [
    Protection(
        "text covered by a later opaque box or picture",
        "importer/pdf_visible.py",
        "paint.opaque and paint.order > order and _covers(paint.box, char)",
        "False",
        HIDDEN_PDF + "[covered by a black box]",
    ),
    Protection(
        "text under an annotation that shows a filled box",
        "importer/pdf_visible.py",
        "if kind in _COVERING and _shown(annot) and _fills(annot):",
        "if False:",
        HIDDEN_PDF + "[covered by an annotation]",
    ),
    Protection(
        "text on a layer that is off",
        "importer/pdf_visible.py",
        'if not self.layer_shown:\n            return "layer"',
        "if False:\n            pass",
        HIDDEN_PDF + "[on a layer that is off]",
    ),
    Protection(
        "glyphs of a Type 3 font that paint nothing",
        "importer/pdf_visible.py",
        "and self.type3.empty(font, cid):",
        "and False:",
        HIDDEN_PDF + "[in an empty Type 3 font]",
    ),
    Protection(
        "text at zero horizontal scaling",
        "importer/pdf_visible.py",
        'if getattr(space, "paints_nothing", False) or self._scaling == 0:',
        'if getattr(space, "paints_nothing", False):',
        HIDDEN_PDF + "[at zero horizontal scaling]",
    ),
    Protection(
        "text in a Separation colour of None",
        "importer/pdf_visible.py",
        "space.paints_nothing = True  # type: ignore[attr-defined]",
        "space.paints_nothing = False  # type: ignore[attr-defined]",
        HIDDEN_PDF + "[in a Separation colour of None]",
    ),
    Protection(
        "text used as a clip and painted through",
        "importer/pdf_visible.py",
        "            if depth <= self.depth and _inside(*centre, box):\n"
        "                self._revived.add(id(char))",
        "            pass",
        SHOWN_PDF + "[through a clip made of text]",
    ),
    Protection(
        "a FreeText annotation read",
        "importer/pdf_visible.py",
        'if kind == "FreeText":\n            text = _text(resolve1(annot.get("Contents")))',
        'if kind == "FreeText":\n            text = ""',
        SHOWN_PDF + "[in a FreeText annotation]",
    ),
    Protection(
        "a filled form field read",
        "importer/pdf_visible.py",
        'elif kind == "Widget":\n            text = _field_value(annot)',
        'elif kind == "Widget":\n            text = ""',
        SHOWN_PDF + "[in a filled form field]",
    ),
    Protection(
        "optional content visibility expressions",
        "importer/pdf_visible.py",
        "        if isinstance(expression, list) and expression:\n"
        "            return self._expression(expression, depth)",
        "        pass",
        SHOWN_PDF + "[on the layer a visibility expression shows]",
    ),
    Protection(
        "a height or width of 0 with the overflow hidden",
        "importer/web_visible.py",
        '    if re.search(r"hidden|clip", overflow) and any(',
        "    if False and any(",
        HIDDEN_PAGE + "[height 0 with overflow hidden]",
    ),
    Protection(
        "transform: scale(0)",
        "importer/web_visible.py",
        'if re.search(r"scale[xy]?\\(\\s*0(?:\\.0*)?\\s*[,)]", style.get("transform", "")):',
        "if False:",
        HIDDEN_PAGE + "[transform: scale(0)]",
    ),
    Protection(
        "text in the colour of its background (a style sheet's class)",
        "importer/web_visible.py",
        "if why is None and _own_text(element) and _invisible_colour(element, styles):",
        "if False:",
        HIDDEN_PAGE + "[white on white through a class]",
    ),
    Protection(
        "inline color:#fff on a white page",
        "importer/web_visible.py",
        "if why is None and _own_text(element) and _invisible_colour(element, styles):",
        "if False:",
        HIDDEN_PAGE + "[inline color #fff on a white page]",
    ),
    Protection(
        "screen-reader text kept past the main-text extractor",
        "importer/web_visible.py",
        "    _unmark_kept(tree)\n    return dropped",
        "    return dropped",
        f"{FAITHFUL}::test_text_for_screen_readers_is_kept",
    ),
    Protection(
        "a picture's alt text and an SVG's title read (web page)",
        "importer/web.py",
        "    spoken_pictures(tree)  # before the shell check: a picture's words are the page's\n",
        "",
        f"{FAITHFUL}::test_a_pictures_words_are_read_where_it_is",
    ),
    Protection(
        "a picture's alt text read (Word)",
        "importer/word.py",
        "        spoken_pictures(root)  # its alt text where it is, as a screen reader reads it\n",
        "",
        f"{FAITHFUL}::test_a_word_pictures_alt_text_is_read",
    ),
    Protection(
        "blocks inside a list item set apart",
        "importer/walk.py",
        '            apart = " " if kind in _BLOCK_KINDS else ""',
        '            apart = ""',
        f"{FAITHFUL}::test_a_cards_picture_heading_and_text_are_set_apart",
    ),
    Protection(
        "a page declaring UTF-7 refused",
        "importer/web.py",
        "        if label in _UNSAFE_CHARSETS:\n            _refuse_charset(path, label.upper())",
        "        pass",
        f"{FAITHFUL}::test_a_page_in_utf7_is_refused_and_nothing_written",
    ),
    Protection(
        "the charset found anywhere in the head",
        "importer/web.py",
        "    head = raw[: head_end.start() if head_end else 64 * 1024]",
        "    head = raw[:1024]",
        f"{FAITHFUL}::test_a_charset_declared_deep_in_the_head_is_found",
    ),
    Protection(
        "a JavaScript shell refused",
        "importer/web.py",
        "    _refuse_script_shell(tree, path)\n",
        "",
        f"{FAITHFUL}::test_a_page_built_by_javascript_is_refused_with_the_way_to_save_it",
    ),
    Protection(
        "links resolved against <base href> before the extractor",
        "importer/web.py",
        "    _resolve_links(tree, base)\n",
        "",
        f"{FAITHFUL}::test_links_resolve_against_base_and_never_say_one_site_and_go_to_another",
    ),
    Protection(
        "an address with a user name refused",
        "importer/document.py",
        'if not parts.hostname or "@" in parts.netloc:',
        "if not parts.hostname:",
        f"{FAITHFUL}::test_links_resolve_against_base_and_never_say_one_site_and_go_to_another",
    ),
    Protection(
        "a link whose text names another site",
        "importer/__init__.py",
        "    honest_links(doc)\n",
        "",
        f"{FAITHFUL}::test_links_resolve_against_base_and_never_say_one_site_and_go_to_another",
    ),
    Protection(
        "text in the order it is shown (bidi)",
        "importer/document.py",
        "    from bidi import get_display\n\n"
        '    shown = "\\n".join(get_display(line, base_dir="L") for line in text.split("\\n"))',
        "    shown = text",
        f"{FAITHFUL}::test_text_reads_in_the_order_it_is_shown",
    ),
    Protection(
        "zero-width characters, joiners and soft hyphens",
        "importer/document.py",
        '    return _UNWANTED_RE.sub("", shown_order(text))',
        "    return shown_order(text)",
        f"{FAITHFUL}::test_word_text_in_a_right_to_left_override_reads_as_shown",
    ),
    Protection(
        "Word's w:bdo read in its shown order",
        "importer/word.py",
        "                    directions(root)\n",
        "",
        f"{FAITHFUL}::test_word_text_in_a_right_to_left_override_reads_as_shown",
    ),
    Protection(
        "Word's altChunk parts read",
        "importer/word.py",
        "    converted = put_chunks(result.value, visible.chunks)",
        "    converted = result.value",
        f"{FAITHFUL}::test_word_altchunk_content_is_read_where_it_shows",
    ),
    Protection(
        "a DTD found anywhere in a Word part",
        "importer/word.py",
        "_DTD_RE.search(",
        "_DTD_RE.match(",
        f"{FAITHFUL}::test_a_word_dtd_after_a_long_comment_is_still_refused",
    ),
    Protection(
        "a file named like an option",
        "cli.py",
        "parse_args(_files_named_like_options(sys.argv[1:] if argv is None else argv))",
        "parse_args(sys.argv[1:] if argv is None else argv)",
        f"{FAITHFUL}::test_a_file_named_like_an_option_is_imported",
    ),
    Protection(
        "the size checked before a byte is read",
        "importer/__init__.py",
        "    if source.is_file():\n        check_size(source)  # before a byte is read\n"
        "    kind = kind_of(source)\n    check_size(source, kind)\n",
        "    kind = kind_of(source)\n",
        f"{FAITHFUL}::test_a_huge_file_is_refused_from_its_size_before_a_byte_is_read",
    ),
    Protection(
        "heading kinds ranked in document order, not a set's",
        "importer/pdf_headings.py",
        "        (g.style, _capitals(g.text)): None\n        for g in groups",
        "        (g.style, _capitals(g.text))\n        for g in groups",
        f"{FAITHFUL}::test_the_same_document_always_gives_the_same_factsheet",
    ),
    Protection(
        "a list in two columns keeps its items apart",
        "importer/pdf_reading.py",
        "gutters = [] if any(isinstance(i, Panel) for i in band) else _band_gutters(band)",
        "gutters = [] if any(isinstance(i, Panel) for i in band) else _vertical_gutters(band)",
        f"{FAITHFUL}::test_boxes_and_columns_keep_their_own_items",
    ),
    Protection(
        "a drawn box's items kept under its own heading",
        "importer/pdf_reading.py",
        "    for shape in list(page.rects) + list(page.curves) + list(page.images):",
        "    for shape in []:",
        f"{FAITHFUL}::test_boxes_and_columns_keep_their_own_items",
    ),
    Protection(
        "boxes that touch each keep their own text",
        "importer/pdf_reading.py",
        "    beside = [b for b in boxes if b is not box and not _overlap(b, box)]",
        "    beside: list[Box] = []",
        f"{FAITHFUL}::test_boxes_and_columns_keep_their_own_items",
    ),
    Protection(
        "headings side by side split into two lines",
        "importer/pdf_reading.py",
        "    return parts if alike and headings and marked else [row]",
        "    return [row]",
        f"{FAITHFUL}::test_headings_side_by_side_in_a_banner_are_two_lines",
    ),
    Protection(
        "headings side by side are not a stack of lines",
        "importer/pdf_headings.py",
        "        if first.top < last.bottom - last.size * 0.35:\n            continue",
        "        pass",
        f"{FAITHFUL}::test_headings_side_by_side_in_a_banner_are_two_lines",
    ),
    Protection(
        "a maker's by-line is not the title",
        "importer/pdf_headings.py",
        "        if _ORGANISATION_RE.search(page_lines[group.lines[0]].text):\n"
        "            continue",
        "        pass",
        f"{FAITHFUL}::test_the_title_is_the_documents_not_its_makers",
    ),
    Protection(
        "a short title read with its series",
        "importer/pdf_headings.py",
        "    if series is not None and len(text.split()) <= 4:",
        "    if False:",
        f"{FAITHFUL}::test_the_title_is_the_documents_not_its_makers",
    ),
    Protection(
        "a Word file of 300,000 runs refused at once",
        "importer/word.py",
        "    if len(runs) > MAX_RUNS or characters > MAX_CHARACTERS:",
        "    if False:",
        "tests/test_import_hostile.py::test_a_bomb_or_an_oversized_document_is_refused_naming_the_limit[300000-runs]",
    ),
    Protection(
        "an encoded stream's Info frame says its true length (issue 44's flaky test)",
        "pipeline/encoding.py",
        "data = exact_length(data, len(samples) * out_rate // rate)",
        "pass",
        "tests/test_splice.py::test_an_encoded_stream_plays_exactly_its_samples",
    ),
    Protection(
        "a table of labels and values read row by row",
        "importer/pdf_reading.py",
        "    if label is not None:\n"
        "        _read_rows(items, label, page, out, counter, column, boxed)\n"
        "        return",
        "    pass",
        f"{FAITHFUL}::test_a_table_of_names_and_their_details_is_read_row_by_row",
    ),
    Protection(
        "tight one-line rows of a label table stay apart",
        "importer/pdf_reading.py",
        "            rows += [([a], [b]) for a, b in zip(left, right, strict=True)]",
        "            rows.append((left, right))",
        f"{FAITHFUL}::test_a_table_of_names_and_their_details_is_read_row_by_row",
    ),
]

PROTECTIONS.append(
    Protection(
        "a link over two overlapping lines read in the order drawn, not letter-interleaved",
        "importer/pdf_about.py",
        '    return by_flow if words(by_flow) > words(by_place) else by_place or ""',
        '    return by_place or ""',
        "tests/test_import.py::test_a_link_over_two_overlapping_lines_keeps_each_line_whole",
    )
)

LEAFLET = "tests/test_leaflet_text.py"
PROTECTIONS += [
    Protection(
        "spelled letters' plural written as a plural ('G Ps'), so 'Is' is never \"I's\"",
        "capitals.py",
        'return letters + ("s" if self.plural else "")',
        'return letters + ("\'s" if self.plural else "")',
        LEAFLET + "::-k is_as_and_us or keep_their_a",
    ),
    Protection(
        "a respelling of a word starting with a vowel is taken",
        "respell.py",
        "or (a[0] in vowels and b[0] in vowels)",
        "",
        LEAFLET + "::-k guide",
    ),
    Protection(
        "stress marked by an apostrophe (the pharmacopoeia's style) is a respelling",
        "respell.py",
        "return _APOSTROPHE_STRESS_RE.sub(lambda m: m.group(1).upper(), text.strip())",
        "return text.strip()",
        LEAFLET + "::-k printed_pronunciation",
    ),
    Protection(
        "a silent e makes the vowel before it long",
        "respell.py",
        "    if silent_e:",
        "    if False:",
        LEAFLET + "::-k spoken_as_its_sounds",
    ),
    Protection(
        "a printed respelling is drafted into the words to review",
        "vocabulary.py",
        "        respelled = printed_respellings(text)",
        "        respelled = {}",
        LEAFLET + "::-k drafted",
    ),
    Protection(
        "the letter A among spelled letters given as its name",
        "pronounce.py",
        "            out = [",
        "            out = out or [",
        LEAFLET + "::-k a_of_spelled or keep_their_a",
    ),
    Protection(
        "the check reads 'D M A R Ds' as the recogniser's 'DMARDs'",
        "listen.py",
        '    text = re.sub(r"(?<=\\b[A-Z] [A-Z])s\\b", " s", text)',
        "    pass",
        LEAFLET + "::-k spelled_plurals",
    ),
    Protection(
        "a British spelling counts as heard in the recogniser's American one",
        "check/terms.py",
        "    words, wanted = [us_spelling(w) for w in words], [us_spelling(w) for w in wanted]",
        "    pass",
        LEAFLET + "::-k british_spelling",
    ),
    Protection(
        "a slash ends a run of spelled letters in what is compared",
        "listen.py",
        '    text = re.sub(r"[.,;:!?()/]+", " | ", text)',
        '    text = re.sub(r"[.,;:!?()]+", " | ", text)',
        LEAFLET + "::-k either_side_of_a_slash",
    ),
    Protection(
        "initialisms said one after another are each heard",
        "check/terms.py",
        "        elif n == 1 and _in_letter_run(term, target, heard[i]):",
        "        elif False:",
        LEAFLET + "::-k said_together",
    ),
    Protection(
        "trademark signs silent, copyright said once, '(s)' read as the plural",
        "narrate/rules.py",
        "    speak_marks_and_plurals,\n",
        "",
        LEAFLET + "::-k trademark",
    ),
    Protection(
        "numbers in a list set apart by a pause and the list word",
        "narrate/numbers.py",
        "    return _separate_listed_numbers(text, ctx, first)",
        "    return text",
        LEAFLET + "::-k numbers_in_a_list",
    ),
    Protection(
        "citation marks dropped",
        "narrate/rules.py",
        "    drop_citation_marks,\n",
        "",
        LEAFLET + "::-k citation",
    ),
    Protection(
        "superscripts after units and powers kept",
        "narrate/rules.py",
        "(?<=[^\\W\\d_]{{3}})",
        "(?<=[^\\W\\d_]{{1}})",
        LEAFLET + "::-k citation",
    ),
    Protection(
        "public bodies said as the table says",
        "capitals.py",
        "        return body  # a public body",
        "        pass  # a public body",
        LEAFLET + "::-k public_bodies",
    ),
    Protection(
        "a body defined by its initials is spelled",
        "capitals.py",
        'if readings[index] == "new" and word in defined:',
        "if False:",
        LEAFLET + "::-k defined_by_its_initials",
    ),
    Protection(
        "a DOI said as its address",
        "narrate/rules.py",
        '    text = DOI_RE.sub(lambda m: f"https://doi.org/{m.group(1)}", text)',
        "    pass",
        LEAFLET + "::-k doi",
    ),
    Protection(
        "the studio's token opens it once",
        "studio/security.py",
        "        self.token = None  # used: it no longer opens the studio",
        "        pass",
        STUDIO + "::test_the_token_is_exchanged_once_for_a_session_and_leaves_the_address",
    ),
    Protection(
        "the studio's cookie holds a session, not the token",
        "studio/security.py",
        "        session = secrets.token_urlsafe(32)",
        "        session = given",
        STUDIO + "::test_the_token_is_exchanged_once_for_a_session_and_leaves_the_address",
    ),
    Protection(
        "security headers on every answer of the studio",
        "studio/security.py",
        "        return _secured(response, request.url.path)",
        "        return response",
        STUDIO + "::test_every_answer_carries_the_security_headers",
    ),
    Protection(
        "a request another site started is refused",
        "studio/security.py",
        'if site not in (None, "same-origin", "none") or (changes and site == "none"):',
        "if False:",
        STUDIO + "::test_a_request_another_site_started_is_refused",
    ),
    Protection(
        "the studio's Host check is always on",
        "studio/security.py",
        "        if host not in self.hosts:",
        "        if self.hosts and host not in self.hosts:",
        STUDIO + "::test_the_host_check_is_always_on_and_a_remote_host_needs_allowing",
    ),
    Protection(
        "a studio other computers reach needs --allow-remote",
        "studio/__init__.py",
        "    if not loopback(host) and not allow_remote:",
        "    if False:",
        STUDIO + "::test_the_host_check_is_always_on_and_a_remote_host_needs_allowing",
    ),
    Protection(
        "the studio serves no file through a symbolic link",
        "studio/app.py",
        "        linked = any(",
        "        linked = False and any(",
        STUDIO + "::test_built_files_are_never_served_through_a_symbolic_link",
    ),
    Protection(
        "the check listens for no number inside a DOI",
        "vocabulary.py",
        "EMAIL_RE.sub(blank, DOI_RE.sub(blank, text))",
        "EMAIL_RE.sub(blank, text)",
        LEAFLET + "::-k number_inside_a_doi",
    ),
    Protection(
        "the check splits letters glued to a number",
        "listen.py",
        '    text = re.sub(r"(?<=[A-Za-z])(?=\\d{3})", " ", text)',
        "    pass",
        LEAFLET + "::-k glued_to_the_number",
    ),
    Protection(
        "the studio imports in a worker process, off its event loop",
        "studio/app.py",
        "await loop.run_in_executor(\n"
        "                    import_pool(), import_in_worker, source, paths.content, slug\n"
        "                )",
        "import_in_worker(source, paths.content, slug)",
        STUDIO + "::test_pages_answer_while_a_document_is_imported",
    ),
    Protection(
        "the studio takes only so many uploads at once",
        "studio/app.py",
        "            if importing[0] >= IMPORT_WORKERS + IMPORTS_WAITING:",
        "            if False:",
        STUDIO + "::test_uploads_beyond_the_limit_are_asked_to_come_back",
    ),
    Protection(
        "the studio warns of a voice of another variety of the sheet's language",
        "studio/sheets.py",
        '    advice = regional_voice_advice(language, voice, project.podcast.piper_voices) or ""',
        '    advice = ""',
        STUDIO + "::test_the_sheet_says_which_voice_reads_it_and_warns_of_another_variety",
    ),
    Protection(
        "a check hears again only what changed (recognition kept)",
        "check/speech.py",
        "            kept = recall.get(key) if key is not None else None",
        "            kept = None",
        "tests/test_check.py::test_a_check_hears_again_only_the_audio_that_changed",
    ),
    Protection(
        "what was heard is kept by the audio's frames (a changed frame is heard again)",
        "check/speech.py",
        "        for frame in self.frames[lo:hi]:\n            digest.update(frame)",
        "        pass",
        "tests/test_check.py::test_a_check_hears_again_only_the_audio_that_changed",
    ),
    Protection(
        "the check compares decimals as said (1 .7, 3 for 3.0)",
        "listen.py",
        '    text = re.sub(r"(?<![\\d.])(\\d+)\\.0+(?![\\d.])", r"\\1", text)',
        "    pass",
        LEAFLET + "::-k decimal",
    ),
    Protection(
        "the check takes -re and -er spellings as one (fibre, fiber)",
        "check/terms.py",
        '    word = re.sub(r"(?<=[a-z][tb])re(s?)$", r"er\\1", word)',
        "    pass",
        LEAFLET + "::-k british_re_endings",
    ),
    Protection(
        "a page saved in the wrong encoding read as it was written",
        "importer/web.py",
        "    text, repaired = repair_mojibake(_decode(raw, path))",
        "    text, repaired = _decode(raw, path), 0",
        f"{FAITHFUL}::test_a_page_saved_in_the_wrong_encoding_is_read_as_it_was_written",
    ),
    Protection(
        "one such pair in a page's own words is left as written",
        "importer/web.py",
        "    if len(found) < MOJIBAKE_LEAST:",
        "    if not found:",
        f"{FAITHFUL}::test_a_page_saved_in_the_wrong_encoding_is_read_as_it_was_written",
    ),
    Protection(
        "the studio prints its address only once its port listens",
        "studio/__init__.py",
        "        listener.listen(128)\n",
        "",
        STUDIO + "::test_the_command_prints_its_address_and_refuses_a_folder_without_content",
    ),
    Protection(
        "a build announces every step before any work (the bar never goes back)",
        "pipeline/run.py",
        "        announce(planned_steps(plan, assembly=not options.distributed))",
        "        pass",
        STUDIO + "::test_progress_is_whole_from_the_start_and_never_goes_back",
    ),
    Protection(
        "the studio's check reports the passages it hears",
        "studio/jobs.py",
        "            progress_for=job.progress_for,",
        "            progress_for=None,",
        STUDIO + "::test_progress_is_whole_from_the_start_and_never_goes_back",
    ),
    Protection(
        "a job of several phases counts the phases done (its bar never goes back)",
        "studio/jobs.py",
        'fraction = 1.0 if self.state == "done" else (self.phase + share) / len(phases)',
        'fraction = 1.0 if self.state == "done" else share',
        STUDIO + "::test_progress_is_whole_from_the_start_and_never_goes_back",
    ),
    Protection(
        "the studio makes speech only for a POST with the form's token",
        "studio/app.py",
        'Route("/sheet/{slug}/hear", hear, methods=["POST"]),',
        'Route("/sheet/{slug}/hear", hear, methods=["GET", "POST"]),',
        STUDIO + "::test_speech_is_made_only_by_a_post_with_the_form_token",
    ),
    Protection(
        "a kept check is used only while every file of the episode is as it was",
        "check/memo.py",
        '"episode": _files(out_dir / slug, written_names(slug)),',
        '"episode": [],',
        "tests/test_check.py::test_a_check_with_nothing_changed_is_its_kept_report",
    ),
    Protection(
        "a kept check is used only while its report files are as it wrote them",
        "check/memo.py",
        "        if not path.is_file() or _digest(path) != digest:\n            return None",
        "        pass",
        "tests/test_check.py::test_a_check_with_nothing_changed_is_its_kept_report",
    ),
    Protection(
        "the studio's import workers end with the studio",
        "studio/app.py",
        "IMPORT_WORKERS, mp_context=context, initializer=end_with_the_studio",
        "IMPORT_WORKERS, mp_context=context",
        STUDIO + "::test_the_import_workers_end_with_the_studio",
    ),
    Protection(
        "publish sends the library page, then the feed, after everything else",
        "publish.py",
        "    return sorted(items, key=lambda item: (rank.get(item.name, -1), item.name))",
        "    return sorted(items, key=lambda item: item.name)",
        PUBLISH_WEB,
    ),
    Protection(
        "publish deletes a removed factsheet's files only after the new feed is up",
        "publish.py",
        "    for name in report.deleted:  # only now that the feed no longer lists them\n"
        "        target.remove(name)\n",
        "",
        PUBLISH_WEB,
    ),
    Protection(
        "publish sends again a file gone from the target or changed in size",
        "publish.py",
        " and there.get(item.name) == item.size",
        "",
        PUBLISH_WEB,
    ),
    Protection(
        "publish reads every enclosure back with a byte range, its length as the feed's",
        "publish.py",
        "    if not total.isdigit() or int(total) != length:",
        "    if False:",
        "tests/test_publish.py::test_what_a_podcast_app_would_hit_is_named_and_exit_1",
    ),
]


def run(protection: Protection) -> dict[str, object]:
    path = (SRC / protection.file).resolve()
    original = path.read_text(encoding="utf-8")
    count = original.count(protection.old)
    if count != 1:
        return {"name": protection.name, "result": f"source not found ({count} matches)"}
    try:
        path.write_text(original.replace(protection.old, protection.new), encoding="utf-8")
        node, _, keyword = protection.test.partition("::-k ")
        selection = [node, "-k", keyword] if keyword else [node]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *selection],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    failure = next(
        (line.strip() for line in done.stdout.splitlines() if re.match(r"E\s", line)), ""
    )
    return {
        "name": protection.name,
        "result": "test failed (good)" if done.returncode == 1 else f"exit {done.returncode}",
        "failure": failure[:400],
        "test": protection.test,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="only the protections whose name contains this")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args()
    results = []
    for protection in PROTECTIONS:
        if args.only and args.only.lower() not in protection.name.lower():
            continue
        result = run(protection)
        results.append(result)
        print(f"{result['result']:<22} {protection.name}")
        if result.get("failure"):
            print(f"    {result['failure']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    good = sum(1 for r in results if r["result"] == "test failed (good)")
    print(f"{good} of {len(results)} protections: their test fails without them")
    return 0 if good == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
