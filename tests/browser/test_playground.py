"""The playground in real headless Chromium against a live gunicorn: what a person sees matches the API."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from itertools import pairwise

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import SAMPLE, Playground
from tests.conftest import ROOT

pytestmark = pytest.mark.live

# Our own words; astral characters (emoji, a flag, a supplementary-plane letter) are two UTF-16
# units but one code point each, CJK and an e plus combining accent are BMP.
MULTIBYTE = (
    "Emoji 🙂 cost one code point in Python and two units in JavaScript. 🧪🧪 Test tubes too.\n\n"
    "漢字の文も入れておく。これは二文目です。Flags like 🇫🇷 are two code points; café is "
    "spelled with e\u0301 here. The letter 𝒜 lives above the Basic Multilingual Plane.\n"
)


def test_pasted_text_is_drawn_as_the_api_chunks_it(page: Playground) -> None:
    text_box = page.find("#text")
    text_box.click()
    text_box.send_keys(SAMPLE)  # typed, as a paste arrives: value plus input events
    assert page.js("return document.getElementById('text').value") == SAMPLE.replace("\r\n", "\n")
    page.choose("sentence")
    page.option("chunk_size", "300")
    page.option("chunk_overlap", "100")
    assert page.run() == "idle"

    status, expected = page.api(
        "/chunking", {"text": SAMPLE, "strategy": "sentence", "chunk_size": 300, "chunk_overlap": 100}
    )
    assert status == 200 and expected["count"] > 2
    assert page.drawn_chunks() == list(range(expected["count"]))
    assert page.find("#view").get_attribute("data-count") == str(expected["count"])
    for i, chunk in enumerate(expected["chunks"]):
        assert page.chunk_text(i) == chunk
    overlapping = sum(a["end"] > b["start"] for a, b in pairwise(expected["metadata"]))
    assert overlapping > 0
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#view .seg.ov")) == overlapping
    # Nothing is lost or invented: the view shows the submitted text, whitespace included.
    assert page.js("return document.getElementById('view').textContent") == SAMPLE
    assert str(expected["count"]) in page.find("#summary").text


def test_code_point_offsets_are_drawn_right_around_emoji(page: Playground) -> None:
    page.set_text(MULTIBYTE)
    page.choose("fixed")
    page.option("chunk_size", "12")
    page.option("chunk_overlap", "3")
    assert page.run() == "idle"
    status, expected = page.api(
        "/chunking", {"text": MULTIBYTE, "strategy": "fixed", "chunk_size": 12, "chunk_overlap": 3}
    )
    assert status == 200
    assert page.drawn_chunks() == list(range(expected["count"]))
    assert [page.chunk_text(i) for i in range(expected["count"])] == expected["chunks"]
    # Sizes are counted as the API counts them: code points, an emoji is one.
    assert f"from {len(MULTIBYTE):,} characters" in page.find("#summary").text
    page.wait(lambda d: page.find("#text-stats").text.startswith(f"{len(MULTIBYTE):,} characters"))


def test_opening_a_file_fills_the_text(page: Playground) -> None:
    page.find("#file").send_keys(str(ROOT / "samples" / "article.txt"))
    page.wait(lambda d: d.execute_script("return document.getElementById('text').value.length") > 0)
    assert page.js("return document.getElementById('text').value") == SAMPLE
    assert "article.txt" in page.find("#status").text


def test_options_form_is_built_from_the_catalogue(page: Playground) -> None:
    _, info = page.api_get("/")
    for name, entry in info["strategies"].items():
        page.choose(name)
        fields = page.js(
            "return [...document.querySelectorAll('#option-fields [data-option]')]"
            ".map(e => [e.dataset.option, e.tagName.toLowerCase(), e.type])"
        )
        assert [f[0] for f in fields] == list(entry["options"]), name
        for option, tag, kind in fields:
            schema = entry["options"][option]
            if schema.get("type") == "boolean":
                assert kind == "checkbox"
            elif "enum" in schema:
                assert tag == "select"
            elif schema.get("type") in ("integer", "number"):
                assert kind == "number"
            label = page.find(f"label[for='opt-{option}']")
            assert label.text == option
    # The similarity view's options are /semantic-chunking's own request fields, from /openapi.json.
    _, doc = page.api_get("/openapi.json")
    page.choose("/semantic-chunking")
    fields = page.js(
        "return [...document.querySelectorAll('#option-fields [data-option]')].map(e => e.dataset.option)"
    )
    assert fields == [k for k in doc["components"]["schemas"]["SemanticRequest"]["properties"] if k != "text"]


def test_api_error_is_shown_with_its_message_and_field(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.choose("recursive")
    page.option("chunk_size", "200")
    page.option("chunk_overlap", "200")
    assert page.run() == "error"
    _, expected = page.api("/chunking", {"text": SAMPLE, "chunk_size": 200, "chunk_overlap": 200})
    error = page.find("#error")
    assert error.is_displayed()
    assert expected["error"]["message"] in error.text
    assert f"Field: {expected['error']['field']}" in error.text
    field = page.find(f"#opt-{expected['error']['field']}")
    assert field.get_attribute("aria-invalid") == "true"
    error.find_element(By.CSS_SELECTOR, "button").click()
    assert page.driver.switch_to.active_element == field

    page.option("chunk_overlap", "20")
    assert page.run() == "idle"
    assert not page.find("#error").is_displayed()
    assert field.get_attribute("aria-invalid") is None


def test_curl_command_on_screen_gives_the_same_chunks(page: Playground) -> None:
    page.set_text(SAMPLE + "Quotes ' and \" and $HOME and `ticks` stay literal. 🙂\n")
    page.choose("paragraph")
    page.option("chunk_size", "400")
    assert page.run() == "idle"
    command = page.find("#curl-chunk").text
    assert command.startswith(f"curl -s {page.server.url}/chunking")
    copy = page.find("#curl-list [data-key='chunk'] button")
    copy.click()
    page.wait(lambda d: copy.text == "Copied")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["strategy"] == "paragraph" and answer["params"]["chunk_size"] == 400
    assert page.drawn_chunks() == list(range(answer["count"]))
    assert [page.chunk_text(i) for i in range(answer["count"])] == answer["chunks"]


def test_keyboard_reaches_chunks_and_moves_between_them(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.option("chunk_size", "300")
    assert page.run() == "idle"
    _, expected = page.api("/chunking", {"text": SAMPLE, "chunk_size": 300})
    page.find("#run").send_keys(Keys.TAB)  # Defaults
    for _ in range(12):
        if page.js("return document.activeElement.classList.contains('seg')"):
            break
        page.driver.switch_to.active_element.send_keys(Keys.TAB)
    focused = page.driver.switch_to.active_element
    assert focused.get_attribute("data-c") == "0"
    outline = page.js("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    focused.send_keys(Keys.ARROW_RIGHT)
    assert page.driver.switch_to.active_element.get_attribute("data-c").split()[0] == "1"
    meta = expected["metadata"][1]
    assert f"offsets {meta['start']}–{meta['end']}" in page.find("#details").text
    assert page.find("#tip").is_displayed()
    page.driver.switch_to.active_element.send_keys(Keys.END)
    last = expected["count"] - 1
    assert page.find("#view").get_attribute("data-selected") == str(last)


def test_hovering_a_chunk_shows_its_index_offsets_and_size(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.option("chunk_size", "300")
    assert page.run() == "idle"
    _, expected = page.api("/chunking", {"text": SAMPLE, "chunk_size": 300})
    span = page.find("#view .seg[data-c='2']")
    ActionChains(page.driver).move_to_element(span).perform()
    tip = page.find("#tip")
    page.wait(lambda d: tip.is_displayed())
    meta = expected["metadata"][2]
    assert f"Chunk 2 of {expected['count']}" in tip.text
    assert f"offsets {meta['start']}–{meta['end']}" in tip.text
    assert f"size {meta['size']} chars" in tip.text


def test_hovering_shows_the_section_table_header_and_parent(page: Playground) -> None:
    rows = "\n".join(f"| station {i} | {i}.25 m |" for i in range(30))
    text = f"# Survey\n\n## Depths\n\n| station | depth |\n|---|---|\n{rows}\n"
    page.set_text(text)
    page.choose("markdown")
    page.option("chunk_size", "120")
    page.option("parent_size", "400")
    page.find("#opt-contextualize").click()
    assert page.run() == "idle"
    body = {
        "text": text,
        "strategy": "markdown",
        "chunk_size": 120,
        "parent_size": 400,
        "contextualize": True,
    }
    _, expected = page.api("/chunking", body)
    assert page.drawn_chunks() == list(range(expected["count"]))
    last = expected["count"] - 1
    meta = expected["metadata"][last]
    parent = expected["parents"][meta["parent"]]
    ActionChains(page.driver).move_to_element(page.find(f"#view .seg[data-c='{last}']")).perform()
    tip = page.find("#tip")
    page.wait(lambda d: tip.is_displayed())
    assert "section: Survey › Depths" in tip.text
    assert "table header: | station | depth |" in tip.text
    assert f"parent {meta['parent']}: offsets {parent['start']}–{parent['end']}" in tip.text


def test_narrow_screen_has_no_sideways_scroll(page: Playground) -> None:
    page.open(390, 844)
    page.set_text(SAMPLE)
    assert page.run() == "idle"
    assert page.js("return document.documentElement.scrollWidth <= window.innerWidth")
    form = page.find("#chunk-form").rect
    view = page.find("#view").rect
    assert view["y"] > form["y"] + form["height"]  # one column: the chunks come below the form
    assert view["x"] + view["width"] <= 390


def megabyte_text() -> str:
    paragraphs = [p for p in SAMPLE.split("\n\n") if p.strip()]
    parts, size, i = [], 0, 0
    while size < 1_000_000:
        paragraph = f"{paragraphs[i % len(paragraphs)]} ({i} 🙂)\n\n"
        parts.append(paragraph)
        size += len(paragraph)
        i += 1
    return "".join(parts)


def test_a_megabyte_text_renders_without_freezing(page: Playground, tmp_path) -> None:
    text = megabyte_text()
    page.set_text(text)
    page.choose("fixed")
    page.option("chunk_size", "100")
    page.option("chunk_overlap", "20")
    assert page.run() == "idle"
    _, expected = page.api(
        "/chunking", {"text": text, "strategy": "fixed", "chunk_size": 100, "chunk_overlap": 20}
    )
    assert expected["count"] > 10_000
    assert page.find("#view").get_attribute("data-count") == str(expected["count"])
    assert page.js("return document.querySelectorAll('#view .seg.start').length") == expected["count"]
    assert page.js("return document.getElementById('view').textContent") == text
    for i in (0, expected["count"] // 2, expected["count"] - 1):
        assert page.chunk_text(i) == expected["chunks"][i]
    # The body is too long to inline: the curl command reads the file the page offers to save.
    command = page.find("#curl-chunk").text
    assert "--data-binary @chunking-request.json" in command
    page.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    page.find("#curl-list a[download='chunking-request.json']").click()
    saved = tmp_path / "chunking-request.json"
    page.wait(lambda d: saved.is_file() and not list(tmp_path.glob("*.crdownload")))
    result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def ask(page: Playground, question: str, method: str = "tfidf") -> str:
    box = page.find("#question")
    box.clear()
    box.send_keys(question)
    page.find(f"#answer-method option[value='{method}']").click()
    page.js("document.body.dataset.state = 'submitted'")
    box.send_keys(Keys.ENTER)
    return page.wait_state("idle", "error")


def test_question_highlights_the_answer_chunk_and_sentence(page: Playground) -> None:
    text = MULTIBYTE + "\n" + SAMPLE
    page.set_text(text)
    page.choose("recursive")
    page.option("chunk_size", "300")
    assert page.run() == "idle"
    _, chunked = page.api("/chunking", {"text": text, "chunk_size": 300})
    question = "Which letter lives above the Basic Multilingual Plane?"
    assert ask(page, question, "bm25") == "idle"
    _, expected = page.api(
        "/answer", {"question": question, "chunks": chunked["chunks"], "top_k": 3, "method": "bm25"}
    )
    assert expected["found"]
    index = expected["chunk_index"]
    marked = page.js(
        "return [...document.querySelectorAll('#view .seg.ans')].map(s => s.dataset.c.split(' '))"
    )
    assert marked and all(str(index) in ids for ids in marked)
    assert (
        page.js("return [...document.querySelectorAll('#view .seg.ans')].map(s => s.textContent).join('')")
        == expected["answer"]
    )
    assert page.find("#answer").get_attribute("data-chunk") == str(index)
    # The sentence sits after astral characters in its chunk: its code point offsets must be converted.
    assert "🇫🇷" in expected["answer"].split(expected["sentence"])[0]
    highlighted = page.js(
        "const h = CSS.highlights.get('answer-sentence'); return h ? [...h].map(r => r.toString()) : []"
    )
    assert highlighted == [expected["sentence"]]
    rows = page.js(
        "return [...document.querySelectorAll('#ranking tbody tr')]"
        ".map(r => [+r.dataset.index, r.cells[2].textContent])"
    )
    assert [index for index, _ in rows] == [r["index"] for r in expected["ranking"]]
    # Shown to 3 decimals (JavaScript rounds exact halves up, Python to even: compare as numbers).
    assert [float(shown) for _, shown in rows] == pytest.approx(
        [r["score"] for r in expected["ranking"]], abs=6e-4
    )

    command = page.find("#curl-answer").text
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_answer_errors_name_the_question(page: Playground) -> None:
    page.set_text(SAMPLE)
    assert page.run() == "idle"
    _, chunked = page.api("/chunking", {"text": SAMPLE})
    assert ask(page, "") == "error"
    _, expected = page.api(
        "/answer", {"question": "", "chunks": chunked["chunks"], "top_k": 3, "method": "tfidf"}
    )
    assert expected["error"]["field"] == "question"
    assert expected["error"]["message"] in page.find("#error").text
    assert page.find("#question").get_attribute("aria-invalid") == "true"


def plot_points(page: Playground) -> int:
    return page.js("return document.querySelectorAll('#plot circle.point').length")


def slide(page: Playground, key: str) -> str:
    """Move the threshold slider with the keyboard, as a person would, and wait for the new chunks."""
    page.js("document.body.dataset.state = 'submitted'")
    page.find("#threshold").send_keys(key)
    return page.wait_state("idle", "error")


def test_semantic_plot_has_a_point_per_similarity_and_the_slider_rechunks(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.choose("/semantic-chunking")
    page.option("window", "1")
    # The gap method thresholds the similarities themselves (depth, the default, their cohesion).
    Select(page.find("#opt-threshold_method")).select_by_value("gap")
    assert page.run() == "idle"
    _, expected = page.api("/semantic-chunking", {"text": SAMPLE, "window": 1, "threshold_method": "gap"})
    assert len(expected["similarities"]) > 3
    assert plot_points(page) == len(expected["similarities"])
    assert page.drawn_chunks() == list(range(len(expected["chunks"])))
    groups = expected["groups"]
    assert page.js("return document.querySelectorAll('#groups tbody tr').length") == len(groups)
    bands = sum(g["threshold_range"] is not None for g in groups)
    assert page.js("return document.querySelectorAll('#plot rect.band:not(.unstable)').length") == bands
    assert page.js("return document.querySelectorAll('#plot line.boundary').length") == len(groups) - 1
    assert float(page.find("#threshold").get_attribute("value")) == pytest.approx(
        expected["threshold"], abs=0.01
    )

    counts = {}
    for key, threshold in ((Keys.END, 1.0), (Keys.HOME, 0.0)):
        status, at = page.api(
            "/semantic-chunking",
            {"text": SAMPLE, "window": 1, "threshold": threshold, "threshold_method": "gap"},
        )
        assert status == 200
        assert slide(page, key) == "idle"
        counts[threshold] = len(at["chunks"])
        assert page.drawn_chunks() == list(range(counts[threshold]))
        assert [page.chunk_text(i) for i in range(counts[threshold])] == at["chunks"]
        assert page.find("#opt-threshold").get_attribute("value") in (str(threshold), str(int(threshold)))
        assert f'"threshold":{int(threshold)}' in page.find("#curl-chunk").text
        split = page.js("return document.querySelectorAll('#plot circle.point.split').length")
        assert split == sum(s < threshold for s in at["similarities"])
    assert counts[1.0] > counts[0.0]  # the slider really re-chunked


def test_a_group_suggested_threshold_reproduces_the_group(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.choose("/semantic-chunking")
    page.option("window", "0")
    Select(page.find("#opt-threshold_method")).select_by_value("gap")
    assert page.run() == "idle"
    _, expected = page.api("/semantic-chunking", {"text": SAMPLE, "window": 0, "threshold_method": "gap"})
    stable = [i for i, g in enumerate(expected["groups"]) if g["suggested_threshold"] is not None]
    assert stable
    g = stable[0]
    page.find("#groups-box summary").click()
    page.js("document.body.dataset.state = 'submitted'")
    page.find(f"#groups tbody tr:nth-child({g + 1}) button").click()
    assert page.wait_state("idle") == "idle"
    threshold = expected["groups"][g]["suggested_threshold"]
    _, at = page.api(
        "/semantic-chunking", {"text": SAMPLE, "window": 0, "threshold": threshold, "threshold_method": "gap"}
    )
    assert page.drawn_chunks() == list(range(len(at["chunks"])))
    group = expected["groups"][g]
    assert {"start": group["start"], "end": group["end"]} in [
        {"start": m["start"], "end": m["end"]} for m in at["metadata"]
    ]


def test_opening_a_pdf_shows_its_pages_on_the_chunks(page: Playground) -> None:
    pdf = ROOT / "samples" / "documents" / "field-notes.pdf"
    page.find("#file").send_keys(str(pdf))
    page.wait(lambda d: "3 pages" in page.find("#status").text)
    request = urllib.request.Request(
        page.server.url + "/extract", data=pdf.read_bytes(), headers={"Content-Type": "application/pdf"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        extracted = json.loads(response.read())
    assert page.js("return document.getElementById('text').value") == extracted["text"]
    assert page.find("#strategy").get_attribute("value") == "page"
    page.choose("sentence")
    page.option("chunk_size", "120")
    assert page.run() == "idle"
    status, expected = page.api(
        "/chunking", {"text": extracted["text"], "strategy": "sentence", "chunk_size": 120}
    )
    assert status == 200 and expected["count"] > 3
    assert "of field-notes.pdf, 3 pages" in page.find("#summary").text
    # Every chunk tells its pages, computed from /extract's page spans.
    spans = extracted["pages"]
    for i, meta in enumerate(expected["metadata"]):
        first = max(s["page"] for s in spans if s["start"] <= meta["start"])
        last = max(s["page"] for s in spans if s["start"] <= meta["end"] - 1)
        span = page.find(f"#view .seg[data-c='{i}']")
        ActionChains(page.driver).move_to_element(span).perform()
        tip = page.find("#tip")
        page.wait(lambda d, i=i, tip=tip: f"Chunk {i} of" in tip.text)
        label = f"page {first} of" if first == last else f"pages {first}–{last} of"
        assert label in tip.text
    # Page ends are drawn as the form feed symbol; the text itself is unchanged.
    assert page.js("return document.getElementById('view').textContent") == extracted["text"].replace(
        "\f", "\u21a1"
    )


def test_sizes_in_tokens_with_a_chosen_tokenizer(page: Playground) -> None:
    from selenium.webdriver.support.ui import Select

    page.set_text(SAMPLE)
    _, info = page.api_get("/")
    tokenizer = Select(page.find("#opt-tokenizer"))
    assert [o.get_attribute("value") for o in tokenizer.options][1:] == info["tokenizers"]
    assert not page.find("#opt-tokenizer").is_enabled()  # only with unit tokens
    Select(page.find("#opt-unit")).select_by_value("tokens")
    tokenizer.select_by_value("o200k_base")
    page.option("chunk_size", "60")
    assert page.run() == "idle"
    body = {"text": SAMPLE, "chunk_size": 60, "unit": "tokens", "tokenizer": "o200k_base"}
    _, expected = page.api("/chunking", body)
    assert page.drawn_chunks() == list(range(expected["count"]))
    span = page.find("#view .seg[data-c='1']")
    ActionChains(page.driver).move_to_element(span).perform()
    tip = page.find("#tip")
    page.wait(lambda d: tip.is_displayed())
    assert f"size {expected['metadata'][1]['size']} tokens (o200k_base)" in tip.text


def plotted(page: Playground) -> list[float]:
    return page.js(
        "return [...document.querySelectorAll('#plot circle.point')].map((c) => Number(c.dataset.s))"
    )


def test_the_similarity_selector_plots_the_chosen_curve(page: Playground) -> None:
    page.set_text(SAMPLE)
    page.choose("/semantic-chunking")
    assert page.run() == "idle"
    _, tfidf = page.api("/semantic-chunking", {"text": SAMPLE})
    # At defaults the depth method thresholds the cohesion of the TF-IDF curve: that is what is plotted.
    assert tfidf["similarity"] == "tfidf" and plotted(page) == tfidf["cohesion"]
    assert page.js("return document.querySelectorAll('#plot polyline.cohesion').length") == 1
    assert page.find("#similarity").get_attribute("value") == "tfidf"

    page.js("document.body.dataset.state = 'submitted'")
    Select(page.find("#similarity")).select_by_value("embeddings")
    assert page.wait_state("idle") == "idle"
    _, vectors = page.api("/semantic-chunking", {"text": SAMPLE, "similarity": "embeddings"})
    assert vectors["similarities"] != tfidf["similarities"]
    assert plotted(page) == vectors["cohesion"]
    assert page.find("#opt-similarity").get_attribute("value") == "embeddings"
    assert '"similarity":"embeddings"' in page.find("#curl-chunk").text
    assert page.drawn_chunks() == list(range(len(vectors["chunks"])))
    assert "embeddings similarities" in page.find("#plot-summary").text
    assert not page.console_errors()
