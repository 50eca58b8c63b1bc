"""The watchers themselves: a page test that can never fail proves nothing.

These plant a fault in a real page and check that axe-core, the console watcher and the
Content-Security-Policy enforcement each catch it.
"""

from playwright.sync_api import expect

from .conftest import BROWSER_TEST

pytestmark = BROWSER_TEST


def test_axe_reports_an_image_without_text_alternative(tab):
    tab.go("/en/")
    tab.page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/static/img/favicon.svg';
            document.querySelector('main').appendChild(img);
        }"""
    )
    violations = tab.axe_violations()
    assert any("image-alt" in line for line in violations), violations
    tab.assert_no_console_problems()


def test_the_csp_blocks_an_inline_script_and_the_browser_reports_it(tab):
    response = tab.go("/en/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    tab.page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
        }"""
    )
    expect(tab.page.locator("body")).to_be_visible()
    assert tab.page.evaluate("() => window.injected === undefined")
    problems = tab.take_problems()
    assert any(problem.startswith("CSP report") for problem in problems), problems


def test_a_console_error_is_caught(tab):
    tab.go("/en/")
    tab.page.evaluate("() => console.error('something broke')")
    problems = tab.take_problems()
    assert any("something broke" in problem for problem in problems), problems


def test_an_expected_404_is_not_a_console_error_but_a_broken_stylesheet_would_be(tab):
    tab.go("/en/no-such-page/", status=404)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Page not found")
    tab.assert_no_console_problems()
    tab.page.evaluate(
        """() => new Promise(resolve => {
            const link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = '/static/css/missing.css';
            link.onerror = link.onload = () => resolve();
            document.head.appendChild(link);
        })"""
    )
    problems = tab.take_problems()
    assert any("missing.css" in problem or "status of 404" in problem for problem in problems), problems
