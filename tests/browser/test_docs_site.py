"""The dbt docs site and the charts report, opened from file:// in a real headless Chromium.

Needs the Debian `chromium` package and the `playwright` Python driver (its own browser
download, `playwright install`, is never used). Screenshots are left in the test's temporary
directory (`--basetemp DIR` to keep them somewhere known).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from warehouse.charts import write_report
from warehouse.transform import run_dbt

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# dbt-docs' own markup asks for `{{ getIcon(...) }}` and a favicon before Angular binds them;
# those failed loads are logged as console errors but are not script errors.
BENIGN_CONSOLE = ("Failed to load resource", "Unsafe attempt to load URL")
MODEL = "model.fazhi.fct_legal_aid_cases"


class Page:
    """A Playwright page that records script errors and every attempt to reach the network."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.network: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.route("http*://**", self._block)

    def _console(self, message: sync_api.ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(BENIGN_CONSOLE):
            self.errors.append(message.text)

    def _block(self, route: sync_api.Route) -> None:
        self.network.append(route.request.url)
        route.abort()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield Page(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def docs_site(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("docs")
    target = tmp / "target"
    args = ["docs", "generate", "--static", "--target-path", str(target)]
    run_dbt([*args, "--log-path", str(tmp / "logs")], fixture_warehouse)
    return target / "static_index.html"


@pytest.fixture(scope="module")
def report(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(fixture_warehouse, tmp_path_factory.mktemp("report"))


def test_docs_overview_loads_without_script_errors(page: Page, docs_site: Path) -> None:
    page.page.goto(docs_site.as_uri())
    heading = page.page.get_by_text("fazhi — figures from China's rule-of-law government")
    heading.first.wait_for(timeout=15_000)
    assert "法治政府建设年度报告" in page.page.inner_text("body")
    assert page.errors == []


def test_docs_model_page_shows_description_and_columns(
    page: Page, docs_site: Path, tmp_path: Path
) -> None:
    page.page.goto(f"{docs_site.as_uri()}#!/model/{MODEL}")
    page.page.get_by_text("Legal aid figures").first.wait_for(timeout=15_000)
    body = page.page.inner_text("body")
    assert "fct_legal_aid_cases" in body
    columns = page.page.locator("table").filter(has_text="COLUMN").first.inner_text()
    for column in ("fact_id", "breakdown", "value", "qualifier", "evidence", "is_annual_value"):
        assert column in columns
    page.page.screenshot(path=tmp_path / "docs_model.png")
    assert page.errors == []


def test_docs_lineage_graph_renders(page: Page, docs_site: Path, tmp_path: Path) -> None:
    page.page.goto(f"{docs_site.as_uri()}#!/model/{MODEL}")
    page.page.get_by_text("Legal aid figures").first.wait_for(timeout=15_000)
    page.page.click("a[title='View Lineage Graph']")
    page.page.wait_for_selector(".launcher-embed canvas", state="attached")
    page.page.wait_for_function(f"() => ({_DRAWN_PIXELS_JS})('.launcher-embed canvas') > 1000")
    page.page.screenshot(path=tmp_path / "docs_lineage.png")
    assert page.errors == []


# Non-transparent pixels over every canvas matched by a selector (cytoscape draws on canvases).
_DRAWN_PIXELS_JS = """(selector) => [...document.querySelectorAll(selector)].reduce((n, c) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i]) n++;
  return n;
}, 0)"""


def test_report_draws_every_chart_offline(page: Page, report: Path, tmp_path: Path) -> None:
    page.page.goto(report.as_uri())
    charts = page.page.locator("div.chart")
    assert charts.count() == 8
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.locator("svg .mark-group").first.wait_for(state="attached", timeout=15_000)
        marks = chart.locator("svg path, svg rect").count()
        assert marks > 3, chart.get_attribute("id")
    assert page.page.locator(".chart-error").count() == 0
    page.page.screenshot(path=tmp_path / "report.png", full_page=True)
    assert page.errors == []
    assert page.network == []


def test_report_evidence_link_scrolls_to_its_fact(page: Page, report: Path) -> None:
    page.page.goto(report.as_uri())
    link = page.page.locator("#domain-legal_aid a.evidence-link").first
    anchor = link.get_attribute("href") or ""
    link.click()
    assert page.page.url.endswith(anchor)
    assert page.page.locator(f"tr[id='{anchor[1:]}']").is_visible()
    assert page.page.evaluate("() => document.querySelector(':target')?.tagName") == "TR"
