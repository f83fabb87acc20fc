#!/usr/bin/env bash
# The volunteer's path in a real browser: Debian's headless Chromium, driven by chromedriver through Selenium
# (from PyPI, in a venv this script makes), at a phone's 360×740 viewport. Opens an invitation link, sends a
# link and a note, sees "收到" and the item under 我的提交, sends a link the store already knows and sees
# "已有记录", and writes a screenshot of each page into the output folder.
#
#   bash scripts/browser-test.sh [SLUICE_BINARY] [OUTPUT_DIR]
#
# Exit status 0 when every step passed, 1 when one failed, 77 when chromium, chromedriver or Selenium
# cannot be had (the Swift test that runs this says so and passes over it).
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:-.build/debug/sluice}")"
out="$(mkdir -p "${2:-out/browser-test}" && realpath "${2:-out/browser-test}")"
venv="${BROWSER_TEST_VENV:-out/browser-venv}"

chromium="$(command -v chromium || true)"
driver="$(command -v chromedriver || true)"
if [[ -z "$chromium" || -z "$driver" ]]; then
    echo "browser-test: chromium and chromium-driver are not installed (bash scripts/setup.sh --test installs them)" >&2
    exit 77
fi
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" || { echo "browser-test: cannot make a Python venv in $venv" >&2; exit 77; }
fi
if ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet selenium >/dev/null 2>&1 \
        || { echo "browser-test: cannot install selenium from PyPI into $venv" >&2; exit 77; }
fi

work="$(mktemp -d /tmp/sluice-browser.XXXXXX)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

store="$work/sluice.db"
# A store that already knows the sample stories: imported and run offline from the recorded pages.
"$binary" import samples/submissions.jsonl --store "$store" >/dev/null
"$binary" run --replay samples/captures.warc --store "$store" >/dev/null 2>&1
known_url="$(head -1 samples/submissions.jsonl | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["url"])')"

"$binary" serve --listen 127.0.0.1:0 --store "$store" --quiet >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 100); do
    grep -q "serving on" "$work/serve.out" 2>/dev/null && break
    sleep 0.1
done
base="$(sed -n 's/^serving on \(http:[^ ]*\) .*/\1/p' "$work/serve.out")"
if [[ -z "$base" ]]; then
    echo "browser-test: sluice serve did not start: $(cat "$work/serve.err")" >&2
    exit 1
fi
link="$("$binary" volunteer invite 小李 --base-url "$base" --store "$store" --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')"

CHROMIUM="$chromium" CHROMEDRIVER="$driver" OUT="$out" LINK="$link" KNOWN_URL="$known_url" "$venv/bin/python" - <<'PYTHON'
import os, sys
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

options = webdriver.ChromeOptions()
options.binary_location = os.environ["CHROMIUM"]
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=360,740", "--lang=zh-CN",
                 "--disable-dev-shm-usage"]:
    options.add_argument(argument)
options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service(os.environ["CHROMEDRIVER"]), options=options)
out = os.environ["OUT"]
failures = []

def send_form():
    """Taps 提交 and waits until the answer's page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "main")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"))

def check(condition, what):
    print(("ok    " if condition else "FAILED ") + what)
    if not condition:
        failures.append(what)

try:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    wait = WebDriverWait(driver, 10)
    # Tap 1: the invitation link, as it arrives in a chat.
    driver.get(os.environ["LINK"])
    wait.until(lambda d: d.find_elements(By.ID, "url"))
    check(driver.current_url.endswith("/me"), "the link lands on /me (the token leaves the address bar)")
    check("提交情报" in driver.title, "the page is in Chinese")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 360, f"nothing wider than the 360-px screen (scroll width {width})")
    button = driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
    check(button.size["height"] >= 44, f"the send button is big enough for a thumb ({button.size['height']} px)")
    driver.save_screenshot(os.path.join(out, "01-volunteer-page.png"))

    # Paste a link and a note, then tap 2: 提交.
    driver.find_element(By.ID, "url").send_keys("https://www.36kr.com/p/2890001234567")
    driver.find_element(By.ID, "note").send_keys("闲鱼卖二手书，每月多赚五百")
    send_form()
    notice = driver.find_element(By.CSS_SELECTOR, ".notice").text
    check("收到" in notice, f"the answer says 收到 ({notice})")
    items = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ol.submissions li")]
    check(any("36kr.com/p/2890001234567" in text and "排队中" in text for text in items),
          "the item is in 我的提交, queued")
    driver.save_screenshot(os.path.join(out, "02-received.png"))

    # A link the store already knows: recognised at once.
    driver.find_element(By.ID, "url").send_keys(os.environ["KNOWN_URL"])
    send_form()
    notice = driver.find_element(By.CSS_SELECTOR, ".notice").text
    check("已有记录" in notice and "你的报告已记录" in notice, f"a known link is already known ({notice})")
    driver.save_screenshot(os.path.join(out, "03-already-known.png"))

    problems = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    check(not problems, "no console errors or CSP violations" + (f": {problems}" if problems else ""))

    # A link sluice refuses (answered 422): the same sentence as the command line, the form kept.
    driver.find_element(By.ID, "url").send_keys("ftp://files.example/a")
    send_form()
    error = driver.find_element(By.CSS_SELECTOR, ".notice").text
    check("只接受 http 和 https 链接" in error, f"a bad link gets a clear sentence ({error})")
    check(driver.find_element(By.ID, "url").get_attribute("value") == "ftp://files.example/a", "the form keeps the link")
    driver.save_screenshot(os.path.join(out, "04-bad-link.png"))
finally:
    driver.quit()

print(f"screenshots in {out}")
sys.exit(1 if failures else 0)
PYTHON
