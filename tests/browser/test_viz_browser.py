"""The browser view in a real browser: it renders offline, "Step" advances the week and changes the
charts, a policy switched on or off in the sidebar takes effect at Reset, side by side shows the
baseline beside the policy run, and the language and colour switches work. Screenshots are saved
to tests/artifacts/."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the tests are skipped then (conftest)
    expect = None

pytestmark = pytest.mark.browser


def _week(status: str) -> int:
    return int(re.search(r"week (\d+)", status).group(1))


def _readout(page, key: str) -> list[str]:
    return page.pw.locator(f".cgsim-readout tr[data-key={key}] td").all_inner_texts()[1:]


def _cell(page, key: str, column: int):
    """A cell of the values table: column 1 is the first run's value."""
    return page.pw.locator(f".cgsim-readout tr[data-key={key}] td").nth(column)


def test_page_renders_offline(page):
    page.open()
    pw = page.pw
    assert pw.title() == "cgsim · community view"  # the tab says what it is (not Solara's default)
    assert pw.locator("img.cgsim-network").count() == 1
    assert pw.locator("img.cgsim-chart").count() == 6
    for name in ("Step", "Reset"):
        assert pw.get_by_role("button", name=name, exact=True).is_visible()
    from cgsim.policies import all_policies
    from cgsim.viz.labels import policy_label

    for cls in all_policies().values():  # every registered policy has its switch
        assert pw.locator("label", has_text=policy_label(cls, "en")).count() == 1, cls.id
    assert "station separation" in pw.locator(".cgsim-policies").inner_text()
    page.shot("viz_01_page.png")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    foreign = [u for u in page.requests if not u.startswith((origin, "data:", "blob:"))]
    assert not foreign, f"requests that leave this machine: {foreign[:5]}"
    assert not page.failed, f"failed requests or page errors: {page.failed[:5]}"


def test_step_advances_week_and_changes_charts(page, artifacts):
    page.open()
    assert _week(page.status()) == 0
    chart = page.pw.locator("img.cgsim-chart").first
    before_chart, before_net = chart.screenshot(), page.pw.locator("img.cgsim-network").screenshot()
    rounds = []
    for _ in range(4):
        t0 = time.perf_counter()
        page.click_and_wait("Step")
        rounds.append((time.perf_counter() - t0) * 1000)
    page.wait_images()
    assert _week(page.status()) == 4
    assert chart.screenshot() != before_chart, "the participation chart did not change"
    assert page.pw.locator("img.cgsim-network").screenshot() != before_net, "the network did not change"
    page.shot("viz_02_after_4_steps.png")
    log = (artifacts / "viz_server.log").read_text()
    wall = ", ".join(re.findall(r"step_to_rendered_ms=([\d.]+)", log))
    cpu = ", ".join(re.findall(r"cpu_ms=([\d.]+)", log))
    (artifacts / "viz_step_timings.txt").write_text(
        "click-to-updated round trips (ms, in the browser): " + ", ".join(f"{r:.0f}" for r in rounds)
        + f"\nstep to re-rendered page (ms, server-side, every step so far): {wall}"
        + f"\nCPU time of the same (ms, server thread): {cpu}\nstatus line: {page.status()}\n")
    page.pw.get_by_role("button", name="▶", exact=True).click()  # run ...
    expect(page.pw.locator(".cgsim-status")).to_contain_text(re.compile(r"week (\d\d|[6-9])"), timeout=page.wait_ms)
    page.pw.get_by_role("button", name="❚❚", exact=True).click()  # ... and pause
    expect(page.pw.get_by_role("button", name="▶", exact=True)).to_be_visible()
    paused = _week(page.status())
    time.sleep(1.5)
    assert _week(page.status()) <= paused + 1 and paused >= 6
    assert not page.failed, page.failed[:5]


def test_policy_switch_takes_effect_side_by_side(page):
    page.open()
    pw = page.pw
    pw.locator("label", has_text="station separation").click()  # switch the policy off ...
    session = pw.locator(".cgsim-status").get_attribute("class")
    page.click_and_wait("Reset")
    assert "cgsim-session-" in session and pw.locator(".cgsim-status").get_attribute("class") != session
    expect(pw.locator(".cgsim-policies")).to_contain_text("no policy", timeout=page.wait_ms)
    for _ in range(3):
        page.click_and_wait("Step")
    expect(_cell(page, "rc_admin_share", 1)).to_have_text("80.0%")  # status quo: 80% of committee time on admin
    assert len(_readout(page, "rc_admin_share")) == 1

    pw.locator("label", has_text="station separation").click()  # ... on again, side by side
    pw.locator("label", has_text="Side by side").click()
    page.click_and_wait("Reset")
    expect(pw.locator("img.cgsim-network")).to_have_count(2, timeout=page.wait_ms)
    expect(pw.locator(".cgsim-policies")).to_contain_text("station separation")
    for _ in range(4):  # the policy starts in week 2
        page.click_and_wait("Step")
    page.wait_images()
    expect(pw.locator(".cgsim-readout")).to_contain_text("week 4")
    expect(_cell(page, "rc_admin_share", 3)).to_contain_text("-")
    baseline, policy, diff = _readout(page, "rc_admin_share")
    assert baseline == "80.0%" and policy != baseline and diff.startswith("-"), (baseline, policy, diff)
    page.shot("viz_03_side_by_side.png")
    assert not page.failed, page.failed[:5]


def test_language_and_colour_switches(page):
    page.open()
    pw = page.pw
    net = pw.locator("img.cgsim-network")
    pw.locator(".cgsim-lang button", has_text="中文").click()
    expect(pw.locator(".cgsim-status")).to_contain_text("第 0 周", timeout=page.wait_ms)
    expect(pw.locator("label", has_text="居站分设 · station separation")).to_have_count(1)
    expect(pw.locator(".cgsim-policies")).to_contain_text("居站分设")
    page.wait_images()
    before = _settled(net)
    pw.get_by_role("button", name="邻里信任", exact=True).click()
    deadline = time.monotonic() + 30
    while net.screenshot() == before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert net.screenshot() != before, "colouring by trust did not change the network"
    page.wait_images()
    page.shot("viz_04_chinese_trust.png")
    assert not page.failed, page.failed[:5]


def _settled(locator, tries: int = 20) -> bytes:
    """A screenshot of an element once two in a row agree (its image has stopped changing)."""
    last = locator.screenshot()
    for _ in range(tries):
        time.sleep(0.3)
        now = locator.screenshot()
        if now == last:
            return now
        last = now
    return last
