/// The text of `--help` for every command.
enum Help {
    static let overview = """
        sluice — sifts volunteers' money-making intel into a moderated monthly column

        usage: sluice COMMAND [options]   (every command takes --help)

        intake
          submit URL --by VOLUNTEER [--note TEXT]   one link (or --note alone for note-only intel)
          import FILE... [--by VOLUNTEER]           batches: .jsonl, .csv (header row), .txt
        pipeline
          run [--pipeline FILE] [--replay WARC]     fetch → parse → dedup → classify until nothing is pending
          status                                    items per state, failures per stage
        moderation
          review list|show|approve|reject|log       the review queue and the audit log
        publication
          publish [--content DIR]                   approved items into the content store, once each
          export --month YYYY-MM --format md|html|json|atom [--out FILE]
          unpublish ID... --reason TEXT --as NAME   retract: file removed, record kept, audited
          recheck --month YYYY-MM                   are the month's sources alive, changed or deleted?
          volunteers [--month YYYY-MM]              contributions, acceptance rate and tags per volunteer
        duplicates
          why-dup ID                                why an item was merged into its cluster
          unlink ID --as NAME                       split a wrong cluster: the item becomes its own again
          eval dedup [DIR]                          precision and recall of duplicate detection on the corpus
          bench dedup [--count N]                   band index lookups/s and memory against a linear scan

        common options
          --store PATH    the SQLite store (default ./sluice.db, or $SLUICE_STORE)
          --json          machine-readable output where a script would want it
        """

    static let submit = """
        usage: sluice submit [URL] --by VOLUNTEER [--note TEXT] [--json]

        Stores one piece of intel for the pipeline. With --note and no URL it is note-only intel.
        The same volunteer sending the same URL and note twice stores it once ("already present").
        When the link is already known, you are told which item it joins; it is still recorded, as
        corroboration and credit. Only http(s) links to a real host are accepted.

        options
          --by VOLUNTEER    who found it (credited in the column); required
          --note TEXT       what the volunteer says about it
          --pipeline FILE   pipeline file whose URL rules decide "already known" (default pipelines/default.json)
          --json            print {"id","status","known_as","known_state","known_since","source"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let importFiles = """
        usage: sluice import FILE... [--by VOLUNTEER] [--json]

        Imports batches. Formats, by file extension:
          .jsonl  one {"url": …, "note": …, "volunteer": …} object per line
          .csv    a header row naming url, note, volunteer columns (any order), RFC 4180 quoting
          .txt    one URL per line, optionally followed by white space and a note
        Every bad line is reported as FILE:LINE: reason; the good lines are still imported.
        Exit status 1 when any line was refused, 0 when all were imported or already present.

        options
          --by VOLUNTEER    the volunteer for lines that name none (every .txt line)
          --json            print {"submitted","already_present","rejected":[{"file","line","reason"}],"items"}
          --store PATH      the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let run = """
        usage: sluice run [--pipeline FILE] [--replay FILE.warc[.gz]] [--allow-host HOST[:PORT]]... [--json]

        Moves every pending item through fetch → parse → dedup → classify until none is left, then
        prints a summary. Stages run as Dispatch workers joined by bounded queues (sizes and worker
        counts from the pipeline file). Ctrl-C stops taking work, finishes what is in flight and
        exits; the next run continues where this one stopped (a second Ctrl-C exits at once, and
        nothing is lost either way: an item keeps its last committed state).

        options
          --pipeline FILE        pipeline definition (default pipelines/default.json)
          --replay FILE          answer fetches from recorded WARC responses instead of the network
          --allow-host HOST[:PORT]  let the fetcher reach this private/loopback address (repeatable)
          --json                 print the summary as JSON
          --store PATH           the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let status = """
        usage: sluice status [--json]

        Items per state, failures per stage with their most common errors, pages that reached
        review without text (captcha, not_html, …) and duplicates by the state of their original.
        """

    static let review = """
        usage: sluice review list [--state STATE|all] [--limit N] [--json]
               sluice review show ID... [--json]
               sluice review approve ID... --as MODERATOR [--category C] [--title T] [--version V]
               sluice review reject ID... --as MODERATOR --reason R [--text T] [--version V]
               sluice review approve|reject --as MODERATOR SELECTION [--yes] [reason options]
               sluice review log [--as MODERATOR] [--since YYYY-MM-DD] [--json]

        list     the review queue (pending_review, highest priority first) or any state; --json
                 prints every matching item unless --limit is given
        show     everything known about an item: page, flags, duplicates and who reported it
        approve  / reject: decide; every decision goes to the audit log. --version refuses the
                 decision if the item changed since you looked (stale view). Reject reasons:
                 duplicate, hype_scam, off_topic, low_quality, dead_link, other
        log      the audit log: who decided what, when and why

        bulk selections over the review queue (a dry-run count unless --yes is given):
          --where volunteer=NAME   --site HOST   --flag FAMILY|any|none   --problem CODE|any|none
          --cluster ID   --all     (several combine: an item must match them all)
        """

    static let publish = """
        usage: sluice publish [--content DIR] [--json]

        Writes each approved item once into the store's publication ledger and as a Markdown file
        with front matter under DIR (default ./content). Running it again publishes nothing twice.
        The file carries the evidence frozen when the item was approved (extracted text, SHA-256,
        capture date), so members keep the intel when the source is deleted.
        """

    static let unpublish = """
        usage: sluice unpublish ID... --reason TEXT --as MODERATOR [--content DIR] [--json]

        Retracts published items: the content file under DIR (default ./content) is removed, the
        ledger entry is kept and marked retracted, and the audit log records who and why. The item
        goes back to approved; a later publish puts it in the column of the month it is republished
        in, never in two columns. Unknown ids and items that are not published are refused (exit 1).
        """

    static let recheck = """
        usage: sluice recheck --month YYYY-MM [--pipeline FILE] [--allow-host HOST:PORT]... [--json]

        Fetches the sources of the month's published items again and marks each alive (same text
        as the evidence), changed (different text) or deleted (404, 410, a deletion notice). The
        column then says "source deleted on …; evidence captured on …". Answers that say nothing
        about the article (5xx, timeouts, captchas) keep the previous state and give exit 1.
        --allow-host lets a private address through the fetch gate, as for sluice run.
        """

    static let volunteers = """
        usage: sluice volunteers [--month YYYY-MM] [--json]

        Per volunteer: submissions (in the month by submission date, or all time), accepted
        (approved or published, a report of a duplicate counting with its story), rejected,
        pending and failed, the acceptance rate (accepted among decided) and the categories
        of the accepted items. --json prints [{"name","submissions","accepted","rejected",
        "pending","failed","acceptance_rate","tags"}].
        """

    static let export = """
        usage: sluice export --month YYYY-MM [--format md|html|json|atom] [--out FILE]

        The month's published intel grouped by category in a fixed order, with the month's figures
        and the volunteers' roll of honour. The same store always gives byte-identical output.
        Without --out the column goes to standard output.
        """

    static let unlink = """
        usage: sluice unlink ID --as MODERATOR [--json]

        Splits a wrong cluster: item ID (a duplicate) leaves the cluster it was merged into and
        becomes its own item. A duplicate goes back to deduplicated, so the next sluice run
        classifies it and queues it for review. Its dedup keys stay (later reports still find it),
        but it is never matched to that cluster again. Recorded in the audit log (review log).

        options
          --as MODERATOR   who split it (audited); required
          --json           print {"id","root","state","decision_id"}
          --store PATH     the store (default ./sluice.db or $SLUICE_STORE)
        """

    static let whyDup = """
        usage: sluice why-dup ID [--pipeline FILE] [--json]

        Why item ID was judged a duplicate: for a URL match, the key both items share and the
        normalization steps that turned each one's URL into it; for a content match, the
        fingerprint distance, the shingle similarity and the passages the two texts share.
        Exit status 1 when the item is not a duplicate.

        options
          --pipeline FILE  pipeline file whose URL rules and dedup options explain (default pipelines/default.json)
          --json           print {"id","duplicate_of","kind","evidence","shared_key",
                           "derivations":[{"id","url","steps"}],"content":{"distance","similarity","match","shared_passages"}}
        """

    static let eval = """
        usage: sluice eval dedup [DIR] [--pipeline FILE] [--json]

        Duplicate detection measured on a labelled set built from the page corpus in DIR (default
        ../shared/corpus): URL variants (tracking parameters, cosmetic changes, short links) and
        content variants (another template, truncated, a paragraph changed) against different
        pages of the same sites. Prints precision and recall for URL and content duplicates
        separately, with the thresholds of the pipeline file.
        """

    static let bench = """
        usage: sluice bench dedup [--count N] [--pipeline FILE] [--json]

        Inserts N fingerprints (default 1,000,000) into the SimHash band index and the MinHash LSH
        index and looks up planted near-duplicates: lookups/s, memory (VmRSS, VmHWM) and, in the
        same run, a plain linear scan as the reference.
        """
}
