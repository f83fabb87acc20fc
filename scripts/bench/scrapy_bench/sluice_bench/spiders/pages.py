"""Fetches every URL of a list and extracts title and body text with lxml."""
import lxml.html
import scrapy


class PagesSpider(scrapy.Spider):
    name = "pages"

    def __init__(self, urls, **kwargs):
        super().__init__(**kwargs)
        self.url_file = urls

    async def start(self):
        for request in self.requests():
            yield request

    def requests(self):
        with open(self.url_file, encoding="utf-8") as lines:
            for line in lines:
                url = line.strip()
                if url:
                    yield scrapy.Request(url, callback=self.parse, errback=self.failed, cb_kwargs={"submitted": url},
                                         dont_filter=True)

    def parse(self, response, submitted):
        title = ""
        body = ""
        try:
            document = lxml.html.fromstring(response.text)
            titles = document.xpath("//title/text()")
            title = " ".join(titles[0].split()) if titles else ""
            for unwanted in document.xpath("//script|//style|//noscript|//template"):
                unwanted.drop_tree()
            roots = document.xpath("//article") or document.xpath("//body") or [document]
            body = " ".join(roots[0].text_content().split())
        except (ValueError, lxml.etree.ParserError):
            pass
        yield {"url": submitted, "final_url": response.url, "status": response.status, "title": title, "body": body}

    def failed(self, failure):
        request = failure.request
        yield {"url": request.cb_kwargs.get("submitted", request.url), "final_url": request.url, "status": 0,
               "title": "", "body": ""}
