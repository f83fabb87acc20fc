#!/usr/bin/env python3
"""Builds samples/captures.warc from samples/pages/manifest.json: one WARC/1.1 request + response pair per
recorded response, after a warcinfo record. Standard library only; the output is byte-for-byte reproducible
(dates come from the manifest, record ids are name-based UUIDs). An optional argument names another output file."""
import base64
import hashlib
import json
import pathlib
import sys
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ROOT / "samples" / "pages"
OUTPUT = ROOT / "samples" / "captures.warc"
NAMESPACE = uuid.UUID("5a1f0c3e-7d2b-4c1a-9e8f-2b3c4d5e6f70")
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 403: "Forbidden", 404: "Not Found"}


def record_id(*parts):
    return "<urn:uuid:%s>" % uuid.uuid5(NAMESPACE, "|".join(parts))


def sha1_digest(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_record(fields, block, payload=None):
    head = "WARC/1.1\r\n" + "".join("%s: %s\r\n" % pair for pair in fields)
    if payload is not None:
        head += "WARC-Payload-Digest: %s\r\n" % sha1_digest(payload)
    head += "WARC-Block-Digest: %s\r\n" % sha1_digest(block)
    head += "Content-Length: %d\r\n\r\n" % len(block)
    return head.encode("utf-8") + block + b"\r\n\r\n"


def body_of(entry):
    if "file" not in entry:
        return b""
    raw = (PAGES / entry["file"]).read_bytes()
    encoding = entry.get("encoding", "utf-8")
    if encoding in ("utf-8", "binary"):
        return raw
    return raw.decode("utf-8").encode(encoding, errors="strict")


def http_response(entry, body):
    lines = ["HTTP/1.1 %d %s" % (entry["status"], REASONS.get(entry["status"], "Status"))]
    lines.append("Date: " + http_date(entry["date"]))
    lines.append("Server: nginx")
    if "content_type" in entry:
        lines.append("Content-Type: " + entry["content_type"])
    if "location" in entry:
        lines.append("Location: " + entry["location"])
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def http_date(iso):
    import datetime
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return "%s, %02d %s %d %s GMT" % (days[moment.weekday()], moment.day, months[moment.month - 1], moment.year,
                                       moment.strftime("%H:%M:%S"))


def http_request(url):
    rest = url.split("://", 1)[1]
    host, _, path = rest.partition("/")
    return ("GET /%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sluice\r\n\r\n" % (path, host)).encode("utf-8")


def main():
    manifest = json.loads((PAGES / "manifest.json").read_text(encoding="utf-8"))
    out = bytearray()
    info = b"software: sluice make-sample-warc.py\r\nformat: WARC File Format 1.1\r\n"
    out += warc_record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", record_id("warcinfo")),
                        ("WARC-Date", "2026-11-10T00:00:00Z"), ("Content-Type", "application/warc-fields")], info)
    for entry in manifest["responses"]:
        url, date = entry["url"], entry["date"]
        request_id, response_id = record_id("request", url, date), record_id("response", url, date)
        out += warc_record([("WARC-Type", "request"), ("WARC-Record-ID", request_id), ("WARC-Date", date),
                            ("WARC-Target-URI", url), ("WARC-Concurrent-To", response_id),
                            ("Content-Type", "application/http;msgtype=request")], http_request(url))
        body = body_of(entry)
        out += warc_record([("WARC-Type", "response"), ("WARC-Record-ID", response_id), ("WARC-Date", date),
                            ("WARC-Target-URI", url), ("WARC-Concurrent-To", request_id),
                            ("Content-Type", "application/http;msgtype=response")],
                           http_response(entry, body), payload=body)
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.write_bytes(bytes(out))
    print("wrote %s: %d responses, %d bytes" % (target, len(manifest["responses"]), len(out)))


if __name__ == "__main__":
    sys.exit(main())
