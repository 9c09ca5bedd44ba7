"""The HTML case report: self-contained and escaped."""

from __future__ import annotations

import re

import pytest

from reverie.domain import Response
from reverie.measures.progress import progress
from reverie.reports.case_report import render_case_report

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def context() -> dict:
    rs = [Response("R<1>", "phq9", [min(3, max(0, t - 3 * k)) for k in range(8)] + [0], session=s)
          for s, t in enumerate([18, 16, 15, 11], start=1)]
    rs += [Response("R<1>", "scs_sf", [2] * 12, session=1), Response("R<1>", "scs_sf", [3] * 12, session=4)]
    return {
        "client": "R<1>",
        "generated_at": "2024-05-01 10:00",
        "progress": progress("R<1>", rs),
        "plot_svg": '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG,
        "sessions": [{"number": 2, "date": "2024-01-09",
                      "summaries": {"defenses": {"odf": 4.25, "quote": "I said <b>nothing</b> & left"},
                                    "new_analyser": {"nested": {"a": 1}, "items": ["x", "y"]}}}],
        "key_moments": [{"session": 3, "kind": "insight", "text": 'She said "<script>alert(1)</script>"'}],
        "safety": [{"session": 2, "code": "phq9_item9", "text": "item 9 answered 1 <urgent>"}],
        "notice": "Fiction: a demo case written by the project.",
    }


def test_reports_escapes_every_clinical_text(context):
    html = render_case_report(context)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "I said &lt;b&gt;nothing&lt;/b&gt; &amp; left" in html
    assert "Case report: R&lt;1&gt;" in html
    assert "item 9 answered 1 &lt;urgent&gt;" in html


def test_reports_has_no_external_resources(context):
    html = render_case_report(context)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html and "<script" not in html.lower().replace("&lt;script", "")
    assert "<!DOCTYPE svg" not in html  # the SVG's external DTD reference is dropped
    assert "<svg" in html and "<style>" in html


def test_reports_shows_unknown_analyser_summaries_as_key_value_table(context):
    html = render_case_report(context)
    assert "<h4>new_analyser</h4>" in html
    assert "<td>items</td><td>x, y</td>" in html
    assert "&quot;a&quot;: 1" in html  # nested values as compact JSON, escaped


def test_reports_shows_progress_numbers_and_class(context):
    html = render_case_report(context)
    # PHQ-9 18 -> 11 = 7 points (reliable) ; SCS-SF 2 -> 3 -> getting better
    assert "getting better" in html
    assert "Patient Health Questionnaire-9 (PHQ-9)" in html and "improved" in html


def test_reports_refuses_an_svg_with_script(context):
    context["plot_svg"] = '<svg><script>alert(1)</script></svg>'
    html = render_case_report(context)
    assert "The plot was left out" in html and "alert(1)</script>" not in html


def test_reports_embeds_png_as_data_uri(context):
    del context["plot_svg"]
    context["plot_png"] = b"\x89PNG\r\n\x1a\nfake"
    html = render_case_report(context)
    assert 'src="data:image/png;base64,iVBORw0KGgpmYWtl"' in html


def test_reports_lists_questionnaire_flags_and_stored_safety_tasks(context):
    context["progress"]["flags"] = [{"session": 4, "code": "phq9_item9", "text": "PHQ-9 item 9 answered 1"}]
    context["safety"] = [{"id": 3, "client": "R<1>", "source": "journal", "source_ref": "entry 12",
                          "category": "passive_death_wish", "severity": "moderate", "created_at": "2024-04-06",
                          "acknowledged_by": None, "evidence": {"text": "to disappear for a while"}}]
    html = render_case_report(context)
    # the stored tasks are the authoritative list (they include questionnaire flags, with their status)
    assert "passive_death_wish" in html and "journal entry 12" in html and "to disappear for a while" in html
    assert ">open<" in html
    assert "PHQ-9 item 9 answered 1" not in html
    context["safety"] = []  # no stored tasks (e.g. a report built from answers alone): the progress flags show
    html = render_case_report(context)
    assert "PHQ-9 item 9 answered 1" in html and "session 4" in html


def test_reports_shows_the_intervention_profile_over_sessions(context):
    profile = {"continuum_shares": {"expressive": 0.5, "intermediate": 0.25, "supportive": 0.25},
               "continuum_index": 0.25, "position": "intermediate", "reflection_to_question": 1.5,
               "complex_reflection_share": 0.75}
    context["sessions"] = [{"number": 3, "summaries": {"dialogue": {"profile": profile}}}]
    html = render_case_report(context)
    assert "expressive\u2013supportive continuum" in html
    row = re.search(r"<tr><td>3</td>.*?</tr>", html.split("continuum</h3>")[1]).group()
    assert re.findall(r"<td>(.*?)</td>", row) == ["3", "intermediate", "0.25", "0.50", "0.25", "0.25", "1.50", "0.75"]


def test_reports_without_dialogue_summaries_has_no_profile_table(context):
    assert "continuum</h3>" not in render_case_report(context)


def test_reports_shows_risk_review_markers_as_a_quiet_line_in_the_session_summary(context):
    context["sessions"][0]["summaries"]["risk"] = {
        "n_flags": 0, "max_severity": "none", "n_review": 2,
        "review": [{"unit_id": "s9:4", "kind": "utterance", "quotes": ["The kettle hums <away>."]},
                   {"unit_id": "s9:12", "kind": "utterance", "quotes": ["Lights out early."]}]}
    html = render_case_report(context)
    line = re.search(r'<p class="muted">For review, no task: 2 [^<]*</p>', html)
    assert line and "turn 4, 12" in line.group(0)
    assert "“The kettle hums &lt;away&gt;.” … “Lights out early.”" in line.group(0)
    assert "<td>review</td>" not in html  # shown once, as the line, not again as raw data
    assert 'class="flag"' not in html.split("Session summaries")[1]  # no alarm styling for a review marker
    context["sessions"][0]["summaries"]["risk"] = {"n_flags": 0, "n_review": 0, "review": []}
    assert "For review" not in render_case_report(context)


def test_reports_safety_rows_show_the_ladder_step_in_words():
    from reverie.reports.context import safety_rows
    analysis = {"sessions": [{"id": 7, "number": 3, "date": "2024-03-02"}], "entries": []}
    tasks = [{"source": "questionnaire", "source_ref": "core10:5", "category": "plan", "severity": "plan",
              "created_at": "2024-03-02T10:00", "acknowledged_by": None,
              "evidence": {"quotes": ["CORE-10 item 6 (made plans to end one's life) answered 1"], "session": 3,
                           "severity_label": "Active suicidal thoughts with a specific plan and intent"}},
             {"source": "utterance", "source_ref": "session:7:12", "category": "self_harm", "severity": "self_harm",
              "created_at": "2024-03-02T10:00", "acknowledged_by": None, "evidence": {"quotes": ["cut myself"]}}]
    rows = safety_rows(tasks, analysis)
    assert [r["severity"] for r in rows] == ["Active suicidal thoughts with a specific plan and intent", "self_harm"]
    assert [r["source"] for r in rows] == ["CORE10 at session 3", "session 3, turn 12"]
