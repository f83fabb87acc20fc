"""The Scrapy peer of the end-to-end benchmark: as fast as Scrapy goes against one loopback server.

No politeness (the benchmark lifts sluice's too), no robots.txt, no cache, no retries of good pages, one
log line a minute. CONCURRENT_REQUESTS comes from the command line (-s) so both tools get the same figure.
"""
BOT_NAME = "sluice_bench"
SPIDER_MODULES = ["sluice_bench.spiders"]
ROBOTSTXT_OBEY = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 32
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False
RETRY_TIMES = 1
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
ITEM_PIPELINES = {"sluice_bench.pipelines.DedupToSQLite": 300}
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Every URL is requested once even when two canonicalize alike: dedup is the pipeline's job, as in sluice.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
